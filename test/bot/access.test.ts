import { COMMANDS } from '../../bot/commands';
import { cardMarkdown, cardOf, cardText } from '../support/connector';
import { Harness, PersonKey, startHarness } from '../support/harness';

describe('who is asking: whoami, help per role, audit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const say = async (text: string, as: PersonKey) => cardText(cardOf((await h.send(text, { as })).replies[0]));

  it('whoami shows the admin her role assigned by UPN for the whole tenant', async () => {
    const text = await say('whoami', 'alex');
    expect(text).toContain('alexw@example.com');
    expect(text).toContain('**Intune Administrator** (assigned to you, whole tenant)');
    expect(text).toContain('Remote tasks/Wipe');
  });

  it('whoami names the group a role comes through', async () => {
    const text = await say('who am i?', 'megan');
    expect(text).toContain('**Help Desk Operator** (through group Help Desk, whole tenant)');
  });

  it('roles lists every role, its permissions and who holds it, people and groups by name', async () => {
    const text = await say('roles', 'patti');
    expect(text).toContain('Help Desk Operator');
    expect(text).toContain('Lab Technician (custom)');
    expect(text).toContain('Permissions: Managed devices/Read, Remote tasks/Reboot now, Remote tasks/Remote lock');
    expect(text).toContain(
      '• group **North Schools IT (00000000-0000-0000-0000-000000000043)** · only for /Schools/North',
    );
    expect(text).toContain(
      '• group **IT Staff (00000000-0000-0000-0000-000000000044)** · only for /Schools/South/Labs',
    );
    expect(text).toContain('• **Alex Wilber (alexw@example.com)** · whole tenant');
    // Endpoint Security Manager is held by nobody in the sandbox.
    expect(text).toMatch(/Endpoint Security Manager[\s\S]*?• nobody holds it/);
    const refused = await say('roles', 'adele');
    expect(refused).toContain('You need "Roles/Read"');
    expect(refused).not.toContain('North Schools IT');
  });

  it('whoami shows a scoped role with its org unit', async () => {
    const text = await say('whoami', 'isaiah');
    expect(text).toContain('only for /Schools/North');
  });

  it('whoami tells an end user they only reach their own devices', async () => {
    const text = await say('whoami', 'adele');
    expect(text).toContain('your own devices only');
    expect(text).not.toContain('Remote tasks/');
    expect(text).toContain('Own devices/Report lost');
  });

  it('help lists audit only to people who may read the audit trail', async () => {
    expect(await say('help', 'patti')).toContain('audit [‹serial› | ‹user@domain›]');
    expect(await say('help', 'adele')).not.toContain('audit [‹serial›');
  });

  it('each person keeps their own help card, in whatever order people ask', async () => {
    // Help cards are kept once expanded: a card kept for one role must never answer another.
    const asked: PersonKey[] = ['adele', 'patti', 'adele', 'megan', 'patti', 'megan'];
    const cards = [];
    for (const person of asked) cards.push(await say('help', person));
    expect(cards[0]).not.toContain('audit [‹serial›');
    expect(cards[1]).toContain('audit [‹serial›');
    expect(cards[2]).toBe(cards[0]);
    expect(cards[4]).toBe(cards[1]);
    expect(cards[5]).toBe(cards[3]);
    expect(new Set(cards).size).toBe(3);
  });

  it('help shows every argument and a worked example that the bot understands as typed', async () => {
    const help = cardOf((await h.send('help', { as: 'alex' })).replies[0]);
    // Nothing Teams would read as markup: placeholders are ‹…›.
    expect(cardMarkdown(help)).not.toMatch(/(^|[^\\])</m);
    expect(cardText(help)).toContain('lost mode on ‹serial› · lost mode off ‹serial›');
    const examples = COMMANDS.flatMap((c) => (c.example ? [c.example] : []));
    expect(examples.length).toBeGreaterThan(10);
    for (const example of examples) {
      expect(cardText(help)).toContain(`e.g. ${example}`);
      const { replies } = await h.send(example, { as: 'alex' });
      const answer = replies.map((r) => cardText(cardOf(r)) || String(r.body?.text ?? '')).join('\n');
      expect(`${example} → ${answer}`).not.toContain("I didn't understand");
    }
  });

  it('refuses audit to an end user, says what is missing and who grants it, and audits the denial', async () => {
    const text = await say('audit', 'adele');
    expect(text).toContain('You need "Audit/Read"');
    expect(text).toContain('Read Only Operator');
    const trail = await say('audit adelev@example.com', 'patti');
    expect(trail).toMatch(/\*\*Access\*\* denied · adelev@example\.com/);
    expect(trail).toContain('Audit/Read');
  });
});
