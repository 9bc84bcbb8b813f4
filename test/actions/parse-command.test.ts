import { ACTION_COMMAND, parseActionCommand } from '../../src/actions/parse-command';

describe('reading an action typed as text', () => {
  it.each([
    ['lost mode on 5CD123ABC', 'lostMode.on', '5CD123ABC', {}],
    ['Lost Mode Off 5CD123ABC', 'lostMode.off', '5CD123ABC', {}],
    ['enable lost mode on 5CD123ABC', 'lostMode.on', '5CD123ABC', {}],
    ['restart 5CD123ABC', 'reboot', '5CD123ABC', {}],
    ['restart 5CD123ABC delay 120', 'reboot', '5CD123ABC', { delaySeconds: 120 }],
    ['reboot 5CD123ABC delay 0s', 'reboot', '5CD123ABC', { delaySeconds: 0 }],
    ['wipe 5CD123ABC', 'wipeUsers', '5CD123ABC', {}],
    ['wipe user profiles 5CD123ABC', 'wipeUsers', '5CD123ABC', {}],
    ['factory reset 5CD123ABC', 'powerwash', '5CD123ABC', {}],
    ['powerwash 5CD123ABC', 'powerwash', '5CD123ABC', {}],
    ['deprovision 5CD123ABC', 'deprovision', '5CD123ABC', {}],
    ['deprovision 5CD123ABC reason retiring', 'deprovision', '5CD123ABC', { reason: 'RETIRING_DEVICE' }],
    ['deprovision 5CD123ABC reason same-model', 'deprovision', '5CD123ABC', { reason: 'SAME_MODEL_REPLACEMENT' }],
    [
      'deprovision 5CD123ABC reason different-model',
      'deprovision',
      '5CD123ABC',
      { reason: 'DIFFERENT_MODEL_REPLACEMENT' },
    ],
    ['deprovision 5CD123ABC reason upgrade', 'deprovision', '5CD123ABC', { reason: 'UPGRADE_TRANSFER' }],
    // The phrasings people type.
    ['restart 5CD123ABC in 2 minutes', 'reboot', '5CD123ABC', { delaySeconds: 120 }],
    ['restart 5CD123ABC in 90 seconds', 'reboot', '5CD123ABC', { delaySeconds: 90 }],
    ['reboot 5CD123ABC after 30 s', 'reboot', '5CD123ABC', { delaySeconds: 30 }],
    ['restart 5CD123ABC with a delay of 5 min', 'reboot', '5CD123ABC', { delaySeconds: 300 }],
    ['lost mode 5CD123ABC', 'lostMode.on', '5CD123ABC', {}],
    ['put 5CD123ABC in lost mode', 'lostMode.on', '5CD123ABC', {}],
    ['lost-mode on 5CD123ABC', 'lostMode.on', '5CD123ABC', {}],
    ['lostmode off 5CD123ABC', 'lostMode.off', '5CD123ABC', {}],
    ['lost mode 5CD123ABC on', 'lostMode.on', '5CD123ABC', {}],
    ['lost mode 5CD123ABC off', 'lostMode.off', '5CD123ABC', {}],
    ['put 5CD123ABC into lost-mode', 'lostMode.on', '5CD123ABC', {}],
    ['restart 5CD123ABC now', 'reboot', '5CD123ABC', {}],
    ['reboot 5CD123ABC right now', 'reboot', '5CD123ABC', {}],
    ['restart 5CD123ABC immediately', 'reboot', '5CD123ABC', {}],
    ['deprovision 5CD123ABC retiring', 'deprovision', '5CD123ABC', { reason: 'RETIRING_DEVICE' }],
    ['deprovision 5CD123ABC reason: upgrade', 'deprovision', '5CD123ABC', { reason: 'UPGRADE_TRANSFER' }],
    ['retire 5CD123ABC same-model', 'deprovision', '5CD123ABC', { reason: 'SAME_MODEL_REPLACEMENT' }],
  ])('%s', (text, action, query, params) => {
    expect(ACTION_COMMAND.test(text)).toBe(true);
    expect(parseActionCommand(text)).toEqual({ ok: true, value: { action, query, params } });
  });

  it.each([
    ['restart 5CD123ABC delay 301', 'from 0 to 300'],
    ['restart 5CD123ABC delay -1', 'from 0 to 300'],
    ['restart 5CD123ABC delay soon', 'from 0 to 300'],
    ['deprovision 5CD123ABC reason broken', 'not a deprovision reason'],
  ])('refuses %s', (text, message) => {
    const parsed = parseActionCommand(text);
    expect(parsed?.ok).toBe(false);
    expect(parsed && !parsed.ok && parsed.message).toContain(message);
  });

  it.each(['erase 5CD123ABC', 'reset 5CD123ABC', 'format 5CD123ABC', 'reimage 5CD123ABC', 'Erase'])(
    '"%s" names no erase of its own: the two choices are offered, nothing is guessed',
    (text) => {
      expect(ACTION_COMMAND.test(text)).toBe(true);
      const parsed = parseActionCommand(text);
      expect(parsed?.ok).toBe(false);
      expect(parsed && !parsed.ok && parsed.message).toContain('`wipe ‹serial›` removes every user profile');
      expect(parsed && !parsed.ok && parsed.message).toContain('`factory reset ‹serial›` erases everything');
    },
  );

  it('"reset passcode" stays the passcode reset', () => {
    expect(parseActionCommand('reset passcode R9TXR52F7RU')).toMatchObject({
      ok: true,
      value: { action: 'intune.resetPasscode', query: 'R9TXR52F7RU' },
    });
  });

  it('an action word alone: asks which device', () => {
    for (const text of ['wipe', 'restart', 'lost mode on', 'restart now', 'reboot right now']) {
      const parsed = parseActionCommand(text);
      expect(parsed?.ok).toBe(false);
      expect(parsed && !parsed.ok && parsed.message).toContain('Which device?');
    }
  });

  it('leaves other text alone', () => {
    for (const text of [
      'find 5CD123',
      'help',
      'wiped out',
      'restarting',
      'erased',
      'formatting',
      'lost',
      'lost my laptop',
    ]) {
      expect(parseActionCommand(text)).toBeUndefined();
    }
  });
});
