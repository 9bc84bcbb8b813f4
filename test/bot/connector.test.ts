import { createDeviceDirectory } from '../../src/directory';
import { DEFAULT_EMULATOR_TOKEN } from '../../src/sandbox/google';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PersonKey, startHarness } from '../support/harness';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

describe('connector commands through the bot', () => {
  let h: Harness;
  let fleetSize: number;

  beforeAll(async () => {
    h = await startHarness();
    // Counted independently, straight from the emulator over HTTP.
    const google = createDeviceDirectory({
      customerId: 'my_customer',
      rootUrl: h.bot.sandbox!.googleRootUrl,
      accessToken: DEFAULT_EMULATOR_TOKEN,
    });
    fleetSize = 0;
    for await (const page of google.listAll()) fleetSize += page.length;
  });
  afterAll(async () => {
    await h.stop();
  });

  const say = async (text: string, as: PersonKey = 'alex') => {
    const { status, replies } = await h.send(text, { as });
    expect(status).toBe(200);
    return replies;
  };
  const textOf = (call: RecordedCall | undefined) => cardText(cardOf(call));
  const auditOf = async (upn: string) => textOf((await say(`audit ${upn}`, 'alex'))[0]);
  const fact = (card: any, title: string) =>
    card.body.find((b: any) => b.type === 'FactSet')?.facts.find((f: any) => f.title === title)?.value;

  it('shows the sandbox connection as Active with the emulator fleet synced, before anyone asked', async () => {
    expect(fleetSize).toBeGreaterThan(100);
    const replies = await say('connector status', 'patti');
    expect(replies).toHaveLength(1);
    const card = cardOf(replies[0]);
    expect(card.version).toBe('1.5');
    expect(card.refresh).toBeUndefined();
    const text = cardText(card);
    expect(text).toContain('Sandbox');
    expect(text).toContain('Active');
    expect(fact(card, 'Chrome devices synced')).toBe(fleetSize.toLocaleString('en-US'));
    expect(fact(card, 'Connected account')).toBe('admin@example.com');
    expect(fact(card, 'Connected by')).toBe('sandbox start-up');
    expect(fact(card, 'Last check-in')).toMatch(/^(just now|\d+ minutes? ago) \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/);
    expect(fact(card, 'Last full sync')).toMatch(new RegExp(`for ${fleetSize.toLocaleString('en-US')} devices`));
    expect(card.actions).toEqual([
      { type: 'Action.Execute', title: 'Refresh', verb: 'connector.status', data: { refresh: true } },
    ]);
  });

  it('refreshes the status card through Action.Execute with an Adaptive Card invoke response', async () => {
    const { status, body } = await h.invoke('connector.status', { refresh: true }, { as: 'patti' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    expect(body.value.refresh).toBeUndefined();
    expect(cardText(body.value)).toContain('Chrome devices synced');
  });

  it('connector setup shows the client id and the three scopes as numbered steps', async () => {
    const card = cardOf((await say('connector setup'))[0]);
    const text = cardText(card);
    expect(text).toContain('Domain Wide Delegation');
    expect(fact(card, 'Client ID')).toBe('100000000000000000001');
    expect(fact(card, 'OAuth scopes')).toBe(
      'https://www.googleapis.com/auth/admin.directory.device.chromeos,https://www.googleapis.com/auth/admin.directory.user.readonly,https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
    );
    expect(text).toMatch(/^1\.$/m);
    expect(text).toMatch(/^5\.$/m);
  });

  it('syncs on demand: says it started, then posts the status when it ends, and audits both', async () => {
    const before = h.connector.calls.length;
    const replies = await say('connector sync');
    expect(textOf(replies[0])).toContain('Sync started');
    const done = await h.connector.waitFor(
      (c) => c.method === 'POST' && textOf(c).includes('Sync finished'),
      10_000,
      before,
    );
    expect(done.conversationId).toBe('personal-user-id-0');
    expect(textOf(done)).toContain(`${fleetSize.toLocaleString('en-US')} devices from Google`);
    expect(fact(cardOf(done), 'Chrome devices synced')).toBe(fleetSize.toLocaleString('en-US'));
    const trail = await auditOf('alexw@example.com');
    expect(trail).toMatch(/\*\*Sync from Google\*\* requested/);
    expect(trail).toMatch(/\*\*Sync from Google\*\* succeeded/);
  });

  it('lets a Read Only Operator see the status but not sync, set up or delete, and audits the denials', async () => {
    for (const command of ['connector sync', 'connector delete', 'connector setup']) {
      const text = textOf((await say(command, 'patti'))[0]);
      expect(text).toContain('Chrome Enterprise/');
      expect(text).toContain('Intune Administrator');
    }
    const trail = await auditOf('pattif@example.com');
    expect(trail).toMatch(/\*\*Access\*\* denied/);
    expect(trail).toContain('You need "Chrome Enterprise/Update connection settings"');
    expect(trail).toContain('You need "Chrome Enterprise/Delete connection settings"');
  });

  it('refuses an end user everything about the connector, status included', async () => {
    expect(textOf((await say('connector sync', 'adele'))[0])).toContain(
      'You need "Chrome Enterprise/Update connection settings"',
    );
    expect(textOf((await say('connector setup', 'adele'))[0])).toContain(
      'You need "Chrome Enterprise/Update connection settings"',
    );
    expect(textOf((await say('connector delete', 'adele'))[0])).toContain(
      'You need "Chrome Enterprise/Delete connection settings"',
    );
    expect(textOf((await say('connector status', 'adele'))[0])).toContain('You need "Organization/Read"');
    const denied = await h.invoke('connector.delete.confirm', { confirmationId: 'whatever' }, { as: 'adele' });
    expect(denied.status).toBe(200);
    expect(cardText(denied.body.value)).toContain('You need "Chrome Enterprise/Delete connection settings"');
    expect(await auditOf('adelev@example.com')).toMatch(/\*\*Access\*\* denied/);
  });

  it('"connector" alone shows the status; an unknown subcommand lists the real ones', async () => {
    expect(textOf((await say('connector', 'patti'))[0])).toContain('Chrome devices synced');
    const text = textOf((await say('connector frobnicate'))[0]);
    expect(text).toContain(
      'connector setup · connector connect · connector status · connector sync · connector delete',
    );
    expect(text).toContain('"frobnicate" is not one of them.');
    expect(textOf((await say('connector constructor'))[0])).toContain('is not one of them');
  });

  it('help lists the connector commands only to those who may use them', async () => {
    const alex = textOf((await say('help', 'alex'))[0]);
    expect(alex).toContain('connector delete');
    const patti = textOf((await say('help', 'patti'))[0]);
    expect(patti).toContain('connector status');
    expect(patti).not.toContain('connector delete');
  });

  it('answers malformed or forged confirm data with a friendly card, never a crash', async () => {
    for (const data of [{}, { confirmationId: 42 }, { confirmationId: 'x'.repeat(500) }]) {
      const { status, body } = await h.invoke('connector.delete.confirm', data as any, { as: 'alex' });
      expect(status).toBe(200);
      expect(body.type).toBe(ADAPTIVE);
      expect(cardText(body.value)).toContain('not valid');
    }
    const forged = await h.invoke('connector.delete.confirm', { confirmationId: 'not-a-real-one' }, { as: 'alex' });
    expect(cardText(forged.body.value)).toContain('no record of this confirmation');
    const raw = await h.post({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: 'forged-1',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'user-id-0', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
      recipient: { id: '28:device-desk' },
      conversation: {
        id: 'personal-user-id-0',
        conversationType: 'personal',
        tenantId: '00000000-0000-0000-0000-0000000000001',
      },
      channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' } },
      value: { action: { type: 'Action.Execute', verb: 'connector.delete.confirm', data: 'a string, not an object' } },
    });
    expect(raw.status).toBe(200);
    expect(cardText(raw.body.value)).toContain('not valid');
    // Still connected after all that.
    expect(textOf((await say('connector status'))[0])).toContain('Active');
  });

  it('delete: states the impact, refuses someone else and a cancelled confirmation, then deletes once', async () => {
    expect(textOf((await say('find adelev@example.com'))[0])).not.toContain('No device found');
    const ask = cardOf((await say('connector delete'))[0]);
    const text = cardText(ask);
    expect(text).toContain(`**${fleetSize.toLocaleString('en-US')}** ChromeOS devices are removed from Device Desk`);
    expect(text).toContain('Google itself is untouched');
    expect(text).toContain('Only Alex Wilber can confirm');
    const confirm = ask.actions.find((a: any) => a.verb === 'connector.delete.confirm');
    expect(confirm).toMatchObject({
      type: 'Action.Execute',
      style: 'destructive',
      data: { confirmationId: expect.any(String) },
    });

    // Megan holds no delete permission; Alex's second request is cancelled and can't be confirmed afterwards.
    const megan = await h.invoke('connector.delete.confirm', confirm.data, { as: 'megan' });
    expect(cardText(megan.body.value)).toContain('You need "Chrome Enterprise/Delete connection settings"');
    const other = cardOf((await say('connector delete'))[0]).actions.find(
      (a: any) => a.verb === 'connector.delete.cancel',
    );
    expect(cardText((await h.invoke('connector.delete.cancel', other.data, { as: 'alex' })).body.value)).toContain(
      'Connection kept',
    );
    expect(cardText((await h.invoke('connector.delete.confirm', other.data, { as: 'alex' })).body.value)).toContain(
      'already used',
    );

    const { status, body } = await h.invoke('connector.delete.confirm', confirm.data, { as: 'alex' });
    expect(status).toBe(200);
    expect(body.type).toBe(ADAPTIVE);
    expect(cardText(body.value)).toContain(`${fleetSize.toLocaleString('en-US')} ChromeOS devices were removed`);

    const again = await h.invoke('connector.delete.confirm', confirm.data, { as: 'alex' });
    expect(cardText(again.body.value)).toContain('already used');

    const status2 = cardText(cardOf((await say('connector status'))[0]));
    expect(status2).toContain('Not connected');
    // Her ChromeOS devices are gone; only what Intune syncs is left.
    const left = textOf((await say('find adelev@example.com'))[0]);
    expect(left).not.toContain('ChromeOS');
    expect(left).toMatch(/iPhone|MacBook/);

    const trail = await auditOf('alexw@example.com');
    expect(trail).toMatch(/\*\*Delete the Google connection\*\* succeeded/);
    expect(trail).toMatch(/\*\*Delete the Google connection\*\* rejected/);
    expect(trail).toMatch(/\*\*Delete the Google connection\*\* cancelled/);
    expect(await say('connector sync').then((r) => textOf(r[0]))).toContain('Not connected');
  });

  it('connects again: checks the credentials, answers Syncing, then posts Active with every device', async () => {
    const before = h.connector.calls.length;
    const first = cardOf((await say('connector connect'))[0]);
    expect(cardText(first)).toContain('Google accepted the credentials');
    expect(fact(first, 'Connected by')).toBe('alexw@example.com');
    const done = await h.connector.waitFor(
      (c) => c.method === 'POST' && textOf(c).includes('Sync finished'),
      10_000,
      before,
    );
    expect(fact(cardOf(done), 'Chrome devices synced')).toBe(fleetSize.toLocaleString('en-US'));
    expect(textOf(done)).toContain('Active');
    expect(await auditOf('alexw@example.com')).toMatch(/\*\*Connect to Google\*\* succeeded/);
  });
});
