/**
 * One tenant, one world: two sandbox tenants (Contoso, Fabrikam), each with its own Google
 * connection, fleet, people and roles, and an impostor of Fabrikam whose Teams profile carries the
 * email of Contoso's admin. Nothing of one tenant may be read, acted on or filed from the other.
 */
import { fabrikamFleet, sandboxFleet } from '../../src/sandbox/fleet';
import { FABRIKAM_TENANT_ID, SANDBOX_TENANT_ID, type SandboxPerson } from '../../src/sandbox/people';
import { cardOf, cardText } from '../support/connector';
import { Harness, PEOPLE, startHarness, type TurnOptions } from '../support/harness';

const START = Date.now();
const contoso = sandboxFleet(START);
const fabrikam = fabrikamFleet(START);
const alexDevice = contoso.find((d) => d.annotatedUser === 'alexw@example.com')!;
const lidiaDevice = fabrikam.find((d) => d.annotatedUser === 'lidiah@fabrikam.example')!;

/** A Fabrikam member whose profile says she is Contoso's admin. */
const IMPOSTOR: SandboxPerson = {
  teamsId: 'fabrikam-impostor',
  aadObjectId: '00000000-0000-0000-0000-0000000000199',
  name: 'Mallory',
  upn: 'alexw@example.com',
  email: 'alexw@example.com',
  persona: 'a Fabrikam account dressed as Contoso’s admin',
};

describe('tenant isolation', () => {
  let h: Harness;
  beforeAll(async () => {
    // Self-service lost mode on: the door the impostor tried.
    h = await startHarness({ LOST_SELF_SERVICE: 'true' });
    h.connector.addPerson(IMPOSTOR, FABRIKAM_TENANT_ID);
  });
  afterAll(async () => {
    await h.stop();
  });

  const asImpostor: TurnOptions = { as: IMPOSTOR, tenantId: FABRIKAM_TENANT_ID };
  const text = async (message: string, as: keyof typeof PEOPLE | TurnOptions) =>
    cardText(cardOf((await h.send(message, typeof as === 'string' ? { as } : as)).replies[0]));
  const contosoAudit = (deviceId: string) =>
    h.bot.audit.latest({ tenantId: SANDBOX_TENANT_ID, targetId: deviceId, limit: 50 });

  it('each admin finds their own tenant’s devices and never the other’s', async () => {
    expect(await text(`find ${alexDevice.serialNumber}`, 'alex')).toContain(alexDevice.serialNumber);
    expect(await text(`find ${lidiaDevice.serialNumber}`, 'alex')).toContain('No device found');
    expect(await text(`find ${lidiaDevice.serialNumber}`, 'diego')).toContain(lidiaDevice.serialNumber);
    expect(await text(`find ${alexDevice.serialNumber}`, 'diego')).toContain('No device found');
  });

  it('roles belong to their tenant: the impostor gets none of Contoso’s, whatever her email says', async () => {
    const whoami = await text('whoami', asImpostor);
    expect(whoami).toContain(FABRIKAM_TENANT_ID);
    expect(whoami).not.toContain('Intune Administrator');
    expect(await text(`find ${alexDevice.serialNumber}`, asImpostor)).toContain('No device found');
  });

  it('a forged open of a Contoso device from Fabrikam finds nothing', async () => {
    const res = await h.invoke('device.open', { deviceId: alexDevice.deviceId }, asImpostor);
    expect(cardText(res.body.value)).toMatch(/can't find that device|not in Google Admin/);
    expect(cardText(res.body.value)).not.toContain(alexDevice.serialNumber);
  });

  it('a forged lost mode on a Contoso device from Fabrikam is refused, and Contoso’s device is untouched', async () => {
    const before = h.bot.sandbox!.google.readDevice(alexDevice.deviceId)?.status;
    const res = await h.invoke('action.request', { action: 'lostMode.on', deviceId: alexDevice.deviceId }, asImpostor);
    expect(String(res.body.value)).not.toContain('confirm in the card');
    expect(h.bot.sandbox!.google.readDevice(alexDevice.deviceId)?.status).toBe(before);
    expect((await contosoAudit(alexDevice.deviceId)).filter((r) => r.action === 'lostMode.on')).toEqual([]);
  });

  it('a forged lost report of a Contoso device from Fabrikam is not filed', async () => {
    const res = await h.invoke('lost.file', { deviceId: alexDevice.deviceId, kind: 'stolen' }, asImpostor);
    expect(cardText(res.body.value)).toContain('Not reported');
    expect(await text('reports', 'alex')).not.toContain(alexDevice.serialNumber);
  });

  it('the audit trail of one tenant shows nothing of the other', async () => {
    await h.send(`find ${lidiaDevice.serialNumber}`, { as: 'diego' });
    const fabrikamAudit = await text('audit', 'diego');
    expect(fabrikamAudit).not.toContain('alexw@example.com');
    expect(fabrikamAudit).not.toContain('Alex Wilber');
    const contosoLatest = await text('audit', 'alex');
    expect(contosoLatest).not.toContain('Diego');
    expect(contosoLatest).not.toContain('Mallory');
  });

  it('each tenant sees its own Chrome Enterprise connection', async () => {
    expect(await text('connector status', 'alex')).toContain('admin@example.com');
    expect(await text('connector status', 'diego')).toContain('admin@fabrikam.example');
  });

  it('a tenant this deployment does not serve is turned away before anything runs', async () => {
    const { replies } = await h.send('find anything', { as: 'alex', tenantId: '12345678-1234-1234-1234-123456789abc' });
    expect(replies[0].body.text).toContain('not enabled for your organisation');
  });
});
