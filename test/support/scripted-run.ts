import { sandboxFleet, type FleetDevice } from '../../src/sandbox/fleet';
import { cardOf, cardText } from './connector';
import { type Harness, PEOPLE } from './harness';

export const SCRIPT_START = Date.parse('2026-03-02T10:00:00Z');
const fleet = sandboxFleet(SCRIPT_START);
const demoPeople = new Set(Object.values(PEOPLE).map((p) => p.email));

/** ACTIVE ChromeOS devices nobody of the demo owns, outside the org unit Isaiah's scope cuts out. */
export const freeDevices = (): FleetDevice[] =>
  fleet.filter(
    (d) => d.status === 'ACTIVE' && !demoPeople.has(d.annotatedUser ?? '') && !d.orgUnitPath.startsWith('/Schools'),
  );

const match = (re: RegExp, card: unknown, what: string): string => {
  const m = re.exec(JSON.stringify(card));
  if (!m) throw new Error(`no ${what} in ${JSON.stringify(card).slice(0, 300)}`);
  return m[1];
};

/** `find <serial>` as Megan: the device card comes back. */
export async function findDevice(h: Harness, device: FleetDevice): Promise<void> {
  const { replies } = await h.send(`find ${device.serialNumber}`, { as: 'megan' });
  const card = cardOf(replies.find((c) => cardOf(c))!);
  if (!cardText(card).includes(device.serialNumber)) throw new Error('find did not show the device card');
}

/** `lost mode on <serial>`, confirmed, followed until the closing message names the request. */
export async function lostModeConfirmed(h: Harness, device: FleetDevice): Promise<string> {
  const { replies } = await h.send(`lost mode on ${device.serialNumber}`, { as: 'megan' });
  const confirmationId = match(/"confirmationId":"([^"]+)"/, cardOf(replies.find((c) => cardOf(c))!), 'confirmation');
  const res = await h.invoke('action.confirm', { confirmationId }, { as: 'megan' });
  const requestId = match(/Request (DD-[A-Z0-9]{6})/, cardText(res.body.value), 'request id');
  await h.connector.waitFor(
    (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
    15_000,
  );
  return requestId;
}

/** `bulk lost mode on` for a few devices, started, until its summary arrives. */
export async function bulkRun(h: Harness, devices: FleetDevice[]): Promise<string> {
  const { replies } = await h.send(`bulk lost mode on ${devices.map((d) => d.serialNumber).join(' ')}`, {
    as: 'megan',
  });
  const call = replies.find((c) => cardOf(c))!;
  const runId = match(/"runId":"(BR-[A-Z0-9]{6})"/, cardOf(call), 'bulk run id');
  await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
  await h.connector.waitFor(
    (c) =>
      c.method === 'POST' &&
      typeof c.body?.text === 'string' &&
      c.body.text.includes(runId) &&
      c.body.text.includes('finished'),
    15_000,
  );
  return runId;
}

/** Adele reports one of her own devices lost; nobody acknowledges it. */
export async function lostReport(h: Harness): Promise<string> {
  const own = fleet.find((d) => d.annotatedUser === PEOPLE.adele.email && d.status === 'ACTIVE')!;
  await h.send('I lost my chromebook', { as: 'adele' });
  const res = await h.invoke(
    'lost.file',
    { deviceId: own.deviceId, kind: 'lost', lastSeen: 'this morning', where: 'the bus' },
    { as: 'adele' },
  );
  return match(/(LR-[A-Z0-9]{4})/, cardText(res.body.value), 'report id');
}
