import { cardOf, cardText } from '../support/connector';
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

  it('whoami shows a role that comes through a group', async () => {
    const text = await say('who am i?', 'megan');
    expect(text).toMatch(
      /\*\*Help Desk Operator\*\* \(through group 00000000-0000-0000-0000-000000000041, whole tenant\)/,
    );
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
    expect(await say('help', 'patti')).toContain('audit [serial | user@domain]');
    expect(await say('help', 'adele')).not.toContain('audit [serial');
  });

  it('refuses audit to an end user, says what is missing and who grants it, and audits the denial', async () => {
    const text = await say('audit', 'adele');
    expect(text).toContain('You need "Audit/Read"');
    expect(text).toContain('Read Only Operator');
    const trail = await say('audit adelev@example.com', 'patti');
    expect(trail).toMatch(/\*\*access\.denied\*\* denied · adelev@example\.com/);
    expect(trail).toContain('Audit/Read');
  });
});
