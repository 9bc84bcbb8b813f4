import { operationOf, stateOfCommand } from '../../src/actions/operations';
import { ACTION_IDS } from '../../src/actions/catalogue';
import type { DeviceCommand } from '../../src/directory/types';

const now = Date.parse('2026-03-02T10:00:00Z');
const cmd = (c: Partial<DeviceCommand>): DeviceCommand => ({ commandId: '1', type: 'REBOOT', state: 'PENDING', ...c });

describe('what a command state means to the requester', () => {
  it('follows Google’s states', () => {
    expect(stateOfCommand(cmd({ state: 'PENDING', commandExpireTime: new Date(now + 1000).toISOString() }), now).state).toBe('Pending');
    expect(stateOfCommand(cmd({ state: 'SENT_TO_CLIENT' }), now).state).toBe('Sent');
    expect(stateOfCommand(cmd({ state: 'ACKED_BY_CLIENT' }), now).state).toBe('Acknowledged');
    expect(stateOfCommand(cmd({ state: 'EXECUTED_BY_CLIENT', result: { result: 'SUCCESS' } }), now).state).toBe('Done');
  });

  it('fails with Google’s own error message', () => {
    expect(stateOfCommand(cmd({ state: 'EXECUTED_BY_CLIENT', result: { result: 'FAILURE', errorMessage: 'Disk full' } }), now)).toEqual({ state: 'Failed', error: 'Disk full' });
    expect(stateOfCommand(cmd({ state: 'EXECUTED_BY_CLIENT', result: { result: 'IGNORED' } }), now).state).toBe('Failed');
    expect(stateOfCommand(cmd({ state: 'CANCELLED' }), now).state).toBe('Failed');
  });

  it('is Expired when Google says so, or once past commandExpireTime', () => {
    expect(stateOfCommand(cmd({ state: 'EXPIRED' }), now).state).toBe('Expired');
    expect(stateOfCommand(cmd({ state: 'PENDING', commandExpireTime: new Date(now - 1).toISOString() }), now).state).toBe('Expired');
  });

  it('every chrome action of the catalogue has a way to Google', () => {
    for (const id of ACTION_IDS.filter((a) => a !== 'remoteLock')) expect(operationOf(id)).toBeDefined();
  });
});
