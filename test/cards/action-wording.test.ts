import { confirmCardData } from '../../bot/actions-view';
import { createActionCatalogue, type Confirmation } from '../../src/actions';

const catalogue = createActionCatalogue();

function confirmation(action: Confirmation['action'], params: Confirmation['params'] = {}): Confirmation {
  return {
    id: 'c-1',
    requester: { teamsId: 'u', name: 'Megan', tenantId: 't' },
    action,
    device: { id: 'd-1', serialNumber: '3EZ2249', model: 'Chromebook', platform: 'ChromeOS' },
    params,
    createdAt: 0,
    expiresAt: 300_000,
  } as Confirmation;
}

const impactOf = (action: Confirmation['action'], params: Confirmation['params'] = {}) =>
  confirmCardData(
    confirmation(action, params),
    catalogue.find((a) => a.id === action)!,
    true,
    false,
  ).impact;

describe('a confirmation card says what will happen, not what has happened', () => {
  it.each(catalogue.filter((a) => a.id !== 'remoteLock').map((a) => a.id))('%s is in the future tense', (action) => {
    const impact = impactOf(action);
    expect(impact).toMatch(/\bwill\b/);
    expect(impact).not.toMatch(
      /\bis (factory reset|deprovisioned|removed|disabled|retired|wiped|locked)\b|\brestarts\b/,
    );
  });

  it('only a Mac’s lock speaks of a recovery PIN', () => {
    const lock = (model: string) =>
      confirmCardData(
        { ...confirmation('remoteLock'), device: { id: 'd', serialNumber: 'X1', model } },
        catalogue.find((a) => a.id === 'remoteLock')!,
        true,
        false,
      ).impact;
    expect(lock('iPhone 15')).not.toContain('PIN');
    expect(lock('iPhone 15')).toContain('will be locked at once');
    expect(lock('MacBook Pro 14')).toContain('six-digit recovery PIN');
    expect(lock('iMac 24')).toContain('six-digit recovery PIN');
  });

  it('a restart with a delay says what the delay does, without "as soon as"', () => {
    expect(impactOf('reboot', { delaySeconds: 60 })).toContain('if someone is signed in, it waits 60 s first');
    expect(impactOf('reboot')).toContain('without waiting for whoever is signed in');
    expect(impactOf('reboot', { delaySeconds: 60 })).not.toContain('as soon as');
  });
});
