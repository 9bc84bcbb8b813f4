import { ManualClock } from '../../../src/clock';
import { FleetDevice } from '../../../src/sandbox/fleet/types';
import { GoogleEmulator, startGoogleEmulator } from '../../../src/sandbox/google';
import { googleHttp } from './http';
import { NOW, PINNED, testFleet } from './fixtures';

const STEP = 3_000;
const TTL = 2 * 86_400_000;

describe('Google Directory emulator: command state machine on the clock', () => {
  let clock: ManualClock;
  let fleet: FleetDevice[];
  let em: GoogleEmulator;
  let http: ReturnType<typeof googleHttp>;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    fleet = testFleet(40, 'commands');
    em = await startGoogleEmulator({ clock, devices: fleet, commandStepMs: STEP, commandTtlMs: TTL, seed: 'cmd' });
    http = googleHttp(em);
  });
  afterEach(() => em.close());

  const issue = async (index: number, commandType: string, payload?: string) => {
    const r = await http.issue(
      fleet[index].deviceId,
      payload === undefined ? { commandType } : { commandType, payload },
    );
    expect(r.status).toBe(200);
    return r.body.commandId as string;
  };
  const read = async (index: number, commandId: string) => {
    const r = await http.command(fleet[index].deviceId, commandId);
    expect(r.status).toBe(200);
    return r.body;
  };

  it('an online device walks PENDING → SENT → ACKED → EXECUTED_BY_CLIENT SUCCESS', async () => {
    const id = await issue(PINNED.online, 'REBOOT', JSON.stringify({ user_session_delay_seconds: 0 }));
    const issued = await read(PINNED.online, id);
    expect(issued).toMatchObject({
      commandId: id,
      type: 'REBOOT',
      state: 'PENDING',
      issueTime: new Date(NOW).toISOString(),
      commandExpireTime: new Date(NOW + TTL).toISOString(),
      payload: '{"user_session_delay_seconds":0}',
    });
    expect(issued.commandResult).toBeUndefined();
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(STEP);
      states.push((await read(PINNED.online, id)).state);
    }
    expect(states).toEqual(['SENT_TO_CLIENT', 'ACKED_BY_CLIENT', 'EXECUTED_BY_CLIENT']);
    const done = await read(PINNED.online, id);
    expect(done.commandResult).toEqual({ result: 'SUCCESS', executeTime: new Date(NOW + 3 * STEP).toISOString() });
    // A reboot makes the device sync again.
    expect(Date.parse(em.readDevice(fleet[PINNED.online].deviceId)?.lastSync as string)).toBeGreaterThan(NOW);
  });

  it('an offline device leaves the command PENDING until it EXPIRES', async () => {
    const id = await issue(PINNED.offline, 'WIPE_USERS');
    clock.advance(TTL - 1);
    expect((await read(PINNED.offline, id)).state).toBe('PENDING');
    clock.advance(1);
    const expired = await read(PINNED.offline, id);
    expect(expired.state).toBe('EXPIRED');
    expect(expired.commandResult).toBeUndefined();
    expect(em.readDevice(fleet[PINNED.offline].deviceId)?.recentUsers).toEqual(
      fleet[PINNED.offline].recentUsers.map((u) => (u.email ? u : { type: u.type })),
    );
  });

  it('an offline device that comes online picks up the waiting command', async () => {
    const id = await issue(PINNED.offline, 'REBOOT');
    clock.advance(60 * 60_000);
    em.setBehaviour(fleet[PINNED.offline].deviceId, { connectivity: 'online' });
    expect((await read(PINNED.offline, id)).state).toBe('PENDING');
    clock.advance(3 * STEP);
    expect(await read(PINNED.offline, id)).toMatchObject({
      state: 'EXECUTED_BY_CLIENT',
      commandResult: { result: 'SUCCESS' },
    });
  });

  it('a flaky device is slow and fails or ignores some commands', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await issue(PINNED.flaky, 'REBOOT'));
    clock.advance(STEP);
    expect((await read(PINNED.flaky, ids[0])).state).toBe('PENDING');
    clock.advance(10 * 60_000);
    const results = await Promise.all(ids.map((id) => read(PINNED.flaky, id)));
    expect(results.every((r) => r.state === 'EXECUTED_BY_CLIENT')).toBe(true);
    const kinds = results.map((r) => r.commandResult.result);
    expect(kinds.some((k) => k === 'FAILURE' || k === 'IGNORED')).toBe(true);
    for (const r of results.filter((x) => x.commandResult.result === 'FAILURE'))
      expect(r.commandResult.errorMessage).toEqual(expect.any(String));
  });

  it('WIPE_USERS clears recent users once executed, not before', async () => {
    const deviceId = fleet[PINNED.online].deviceId;
    const id = await issue(PINNED.online, 'WIPE_USERS');
    clock.advance(2 * STEP);
    expect((await http.get(deviceId)).body.recentUsers).toHaveLength(1);
    clock.advance(STEP);
    expect((await read(PINNED.online, id)).state).toBe('EXECUTED_BY_CLIENT');
    expect((await http.get(deviceId)).body.recentUsers).toEqual([]);
    expect((await http.get(deviceId)).body.status).toBe('ACTIVE');
  });

  it('REMOTE_POWERWASH wipes users and the device re-enrols', async () => {
    const deviceId = fleet[PINNED.online].deviceId;
    const before = (await http.get(deviceId)).body;
    await issue(PINNED.online, 'REMOTE_POWERWASH');
    clock.advance(5 * 60_000);
    const after = (await http.get(deviceId)).body;
    expect(after.recentUsers).toEqual([]);
    expect(after.status).toBe('ACTIVE');
    expect(Date.parse(after.lastEnrollmentTime)).toBeGreaterThan(Date.parse(before.lastEnrollmentTime));
    expect(Date.parse(after.lastEnrollmentTime)).toBeGreaterThan(NOW);
  });

  it('a device deprovisioned before it picks up a powerwash never runs it and stays deprovisioned', async () => {
    const deviceId = fleet[PINNED.online].deviceId;
    const id = await issue(PINNED.online, 'REMOTE_POWERWASH');
    const batch = await http.batch({
      deviceIds: [deviceId],
      changeChromeOsDeviceStatusAction: 'CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DEPROVISION',
      deprovisionReason: 'DEPROVISION_REASON_RETIRING_DEVICE',
    });
    expect(batch.body.changeChromeOsDeviceStatusResults[0].response).toEqual({});
    clock.advance(TTL);
    expect((await read(PINNED.online, id)).state).toBe('EXPIRED');
    expect((await http.get(deviceId)).body.status).toBe('DEPROVISIONED');
    expect((await http.issue(deviceId, { commandType: 'REBOOT' })).status).toBe(400);
  });
});
