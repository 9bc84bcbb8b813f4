import { executeOperation, operationOf, stateOfCommand } from '../../src/actions/operations';
import { ACTION_IDS } from '../../src/actions/catalogue';
import { ManualClock } from '../../src/clock';
import { createDeviceDirectory } from '../../src/directory';
import type { DeviceCommand, DeviceDirectory } from '../../src/directory/types';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';

const now = Date.parse('2026-03-02T10:00:00Z');
const cmd = (c: Partial<DeviceCommand>): DeviceCommand => ({ commandId: '1', type: 'REBOOT', state: 'PENDING', ...c });

describe('what a command state means to the requester', () => {
  it('follows Google’s states', () => {
    expect(
      stateOfCommand(cmd({ state: 'PENDING', commandExpireTime: new Date(now + 1000).toISOString() }), now).state,
    ).toBe('Pending');
    expect(stateOfCommand(cmd({ state: 'SENT_TO_CLIENT' }), now).state).toBe('Sent');
    expect(stateOfCommand(cmd({ state: 'ACKED_BY_CLIENT' }), now).state).toBe('Acknowledged');
    expect(stateOfCommand(cmd({ state: 'EXECUTED_BY_CLIENT', result: { result: 'SUCCESS' } }), now).state).toBe('Done');
  });

  it('fails with Google’s own error message', () => {
    expect(
      stateOfCommand(
        cmd({ state: 'EXECUTED_BY_CLIENT', result: { result: 'FAILURE', errorMessage: 'Disk full' } }),
        now,
      ),
    ).toEqual({ state: 'Failed', error: 'Disk full' });
    expect(stateOfCommand(cmd({ state: 'EXECUTED_BY_CLIENT', result: { result: 'IGNORED' } }), now).state).toBe(
      'Failed',
    );
    expect(stateOfCommand(cmd({ state: 'CANCELLED' }), now).state).toBe('Failed');
  });

  it('is Expired when Google says so, or once past commandExpireTime', () => {
    expect(stateOfCommand(cmd({ state: 'EXPIRED' }), now).state).toBe('Expired');
    expect(
      stateOfCommand(cmd({ state: 'PENDING', commandExpireTime: new Date(now - 1).toISOString() }), now).state,
    ).toBe('Expired');
  });

  it('every chrome action of the catalogue has a way to Google', () => {
    for (const id of ACTION_IDS.filter((a) => a !== 'remoteLock' && !a.startsWith('intune.')))
      expect(operationOf(id)).toBeDefined();
  });
});

describe('executing against the Directory API emulator', () => {
  const clock = new ManualClock(now);
  let google: GoogleEmulator;
  let directory: DeviceDirectory;
  const fleet = sandboxFleet(now).filter((d) => d.status === 'ACTIVE' && !d.behaviour.kiosk);

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: sandboxFleet(now), clock });
    directory = createDeviceDirectory({
      customerId: 'my_customer',
      rootUrl: google.rootUrl,
      accessToken: google.accessToken,
      clock,
      retry: { maxAttempts: 1 },
    });
  });
  afterAll(async () => {
    await google.close();
  });

  it('a per-device refusal inside the HTTP 200 is a failure with Google’s message', async () => {
    const d = fleet[0];
    expect(await executeOperation(directory, 'lostMode.on', d.deviceId, {})).toEqual({ state: 'Sent' });
    const again = await executeOperation(directory, 'lostMode.on', d.deviceId, {});
    expect(again.state).toBe('Failed');
    expect(again.error).toContain('already disabled');
  });

  it('a command comes back with its id; deprovision sends the reason', async () => {
    const reboot = await executeOperation(directory, 'wipeUsers', fleet[1].deviceId, {});
    expect(reboot).toMatchObject({ state: 'Pending', commandId: expect.stringMatching(/^\d+$/) });
    await executeOperation(directory, 'deprovision', fleet[2].deviceId, { reason: 'UPGRADE_TRANSFER' });
    expect(google.readDevice(fleet[2].deviceId)).toMatchObject({
      status: 'DEPROVISIONED',
      deprovisionReason: 'DEPROVISION_REASON_UPGRADE_TRANSFER',
    });
    await expect(executeOperation(directory, 'deprovision', fleet[3].deviceId, {})).rejects.toThrow('reason');
  });
});
