import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviceCard, DeviceCardData } from '../../bot/cards/device-card';
import { deviceListCard } from '../../bot/cards/device-list-card';
import { helpCard } from '../../bot/cards/help-card';
import { messageCard } from '../../bot/cards/message-card';
import { noMatchCard } from '../../bot/cards/no-match-card';
import { cardText } from '../support/connector';
import { validateCard } from '../support/card-validator';

const sandbox = { sandbox: true };
const plain = { sandbox: false };

const device: DeviceCardData = {
  deviceId: 'dev-1',
  title: 'HP Chromebook 14 G7',
  subtitle: 'ChromeOS · Google Admin',
  status: { label: 'Lost mode', style: 'attention', color: 'Attention', note: 'Lost mode is on.' },
  facts: [
    { title: 'Serial', value: '5CD1234ABC' },
    { title: 'Last sync', value: '3 hours ago (2025-01-01 09:00 UTC)' },
  ],
  buttons: [
    { action: 'lostMode.off', title: 'Disable lost mode', style: 'default', mode: 'primary' },
    { action: 'powerwash', title: 'Factory reset', style: 'destructive', mode: 'secondary' },
  ],
  readNote: 'Read from Google Admin at 2025-01-01 12:00 UTC.',
};

/** Every template in cards/ with sample data, as the bot expands it. */
const SAMPLES: Record<string, () => any> = {
  'device.json': () => deviceCard(device, sandbox),
  'device-list.json': () =>
    deviceListCard(
      {
        title: '37 devices match "5CD"',
        summary: 'Showing 2 of 37',
        rows: [
          { deviceId: 'a', serial: '5CD1', model: 'HP', user: 'a@x.org', status: 'Active' },
          { deviceId: 'b', serial: '5CD2', model: 'HP', user: 'no user', status: 'Lost mode' },
        ],
        hint: 'Narrow the search.',
      },
      sandbox,
    ),
  'no-match.json': () =>
    noMatchCard(
      {
        title: 'No device found for "x"',
        text: 'Nothing matches.',
        suggestions: ['a serial', 'an email'],
        scopeNote: 'Only yours.',
      },
      sandbox,
    ),
  'message.json': () =>
    messageCard({ title: 'Hello', text: 'World', tone: 'warning', hint: 'hint', reference: 'ref-1' }, sandbox),
  'help.json': () =>
    helpCard(
      { intro: 'Intro', commands: [{ usage: 'help', description: 'Help' }], hint: 'hint', footer: 'footer' },
      sandbox,
    ),
};

describe('card templates', () => {
  const dir = join(__dirname, '..', '..', 'cards');
  const templates = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('no template colours its text yellow: warnings are warning-styled containers with default text', () => {
    for (const file of templates) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect({ file, yellow: /"color":\s*"warning"/i.test(text) }).toEqual({ file, yellow: false });
    }
  });

  it('a warning card is a warning band with default text', () => {
    const card = messageCard({ title: 'Not now', text: 'Try later.', tone: 'warning' }, plain);
    expect(validateCard(card)).toEqual([]);
    const band: any = card.body.find((e: any) => e.type === 'Container' && e.style === 'warning');
    expect(band.items[0]).toMatchObject({ text: 'Not now', color: 'Default' });
  });

  it('covers the lookup templates with samples', () => {
    expect(templates).toEqual(expect.arrayContaining(['device.json', 'device-list.json', 'no-match.json']));
  });

  // Templates whose owners expand them in their own tests are at least checked as written here.
  it.each(templates)('%s is a well-formed Adaptive Card 1.5 template', (name) => {
    const template = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    expect(validateCard(template, { template: true })).toEqual([]);
  });

  it.each(Object.keys(SAMPLES))('%s expands into a valid Adaptive Card 1.5', (name) => {
    const card = SAMPLES[name]();
    expect(validateCard(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    expect(card.refresh).toBeUndefined();
    expect(cardText(card)).toContain('Sandbox');
  });

  it('device card: badge, facts, catalogue buttons with their ids and Refresh', () => {
    const card = deviceCard(device, plain);
    const text = cardText(card);
    expect(text).toContain('Lost mode');
    expect(text).toContain('5CD1234ABC');
    expect(text).not.toContain('Sandbox');
    const find = (node: any): any[] =>
      Array.isArray(node)
        ? node.flatMap(find)
        : node && typeof node === 'object'
          ? [node, ...Object.values(node).flatMap(find)]
          : [];
    const badge = find(card.body).find((n) => n.type === 'Container' && n.style === 'attention');
    expect(cardText(badge)).toBe('Lost mode');
    expect(card.actions).toEqual([
      {
        type: 'Action.Execute',
        title: 'Disable lost mode',
        verb: 'action.request',
        style: 'default',
        mode: 'primary',
        data: { action: 'lostMode.off', deviceId: 'dev-1' },
      },
      {
        type: 'Action.Execute',
        title: 'Factory reset',
        verb: 'action.request',
        style: 'destructive',
        mode: 'secondary',
        data: { action: 'powerwash', deviceId: 'dev-1' },
      },
      { type: 'Action.Execute', title: 'Refresh', verb: 'device.refresh', data: { deviceId: 'dev-1' } },
    ]);
  });

  it('device card without buttons keeps only Refresh; no note line when the status needs none', () => {
    const card = deviceCard(
      { ...device, buttons: [], status: { label: 'Active', style: 'good', color: 'Good', note: '' } },
      plain,
    );
    expect(validateCard(card)).toEqual([]);
    expect((card.actions as any[]).map((a) => a.title)).toEqual(['Refresh']);
    expect(card.body).toHaveLength(3);
  });

  it('list card: one Open (device.open) per row', () => {
    const card = SAMPLES['device-list.json']();
    const text = JSON.stringify(card);
    expect(text.match(/"verb":"device.open"/g)).toHaveLength(2);
    expect(text).toContain('"deviceId":"b"');
    expect(cardText(card)).toContain('Showing 2 of 37');
  });

  it('text with template syntax in the data is shown, not evaluated', () => {
    const card = noMatchCard({ title: 'No device found for "${evil}"', text: 't', suggestions: ['s'] }, plain);
    expect(cardText(card)).toContain('${evil}');
  });
});

describe('card validator', () => {
  const good = () => JSON.parse(JSON.stringify(SAMPLES['device.json']()));

  it('reports a wrong version', () => {
    expect(validateCard({ ...good(), version: '1.2' })).toEqual([expect.stringContaining('$.version')]);
  });

  it('reports unresolved template expressions and keywords', () => {
    const card = good();
    card.body.push({ type: 'TextBlock', text: 'Hi ${name}', $when: '${x}' });
    const problems = validateCard(card);
    expect(problems.some((p) => p.includes('unresolved template expression'))).toBe(true);
    expect(problems.some((p) => p.includes('$when'))).toBe(true);
  });

  it('reports unknown element and action types and missing required properties', () => {
    const card = good();
    card.body.push(
      { type: 'Badge', text: 'x' },
      { type: 'TextBlock' },
      { type: 'Container' },
      { type: 'FactSet', facts: [{ title: 'a' }] },
    );
    card.actions = [
      { type: 'Action.Http', title: 'x' },
      { type: 'Action.Execute', title: 'No verb' },
    ];
    const problems = validateCard(card).join('\n');
    expect(problems).toContain('unknown element type "Badge"');
    expect(problems).toMatch(/body\[\d+\]\.text: is required/);
    expect(problems).toMatch(/body\[\d+\]\.items: is required/);
    expect(problems).toContain('a fact needs string title and value');
    expect(problems).toContain('unknown action type "Action.Http"');
    expect(problems).toMatch(/actions\[1\]\.verb: is required/);
  });

  it('reports yellow text, which is hard to read on white in the light theme', () => {
    const card = good();
    card.body.push({ type: 'TextBlock', text: 'careful', color: 'Warning' });
    expect(validateCard(card).join('\n')).toContain('yellow text is hard to read on white');
  });

  it('reports bad enum values, duplicate ids and too many buttons', () => {
    const card = good();
    card.body.push(
      { type: 'TextBlock', text: 'a', color: 'Red', id: 'x' },
      { type: 'Container', style: 'danger', items: [], id: 'x' },
    );
    card.actions = Array.from({ length: 7 }, (_, i) => ({
      type: 'Action.Execute',
      title: `b${i}`,
      verb: 'v',
      style: 'loud',
    }));
    const problems = validateCard(card).join('\n');
    expect(problems).toContain('"Red" is not one of');
    expect(problems).toContain('"danger" is not one of');
    expect(problems).toContain('duplicate id "x"');
    expect(problems).toContain('"loud" is not one of');
    expect(problems).toContain('7 buttons');
  });
});
