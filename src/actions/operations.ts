/**
 * How each catalogue action reaches Google: a status change (batchChangeStatus, read back from
 * the device) or a remote command (issueCommand, followed through commands.get).
 */
import type { CommandType, DeprovisionReason, DeviceCommand, DeviceDirectory, StatusAction } from '../directory';
import { DeskError, InvalidInput, isOutcomeUnknown } from '../errors';
import type { ActionId } from './catalogue';
import type { ActionParams, RequestState, StepResult } from './types';

export type Operation =
  | { kind: 'status'; action: StatusAction; /** Device status once it took effect. */ expect: string }
  | {
      kind: 'command';
      type: CommandType;
      /** A status change that must take effect first (retire for good: deprovision, then powerwash). */
      first?: { action: StatusAction; reason: DeprovisionReason; label: string };
    };

const OPERATIONS: Partial<Record<ActionId, Operation>> = {
  'lostMode.on': { kind: 'status', action: 'DISABLE', expect: 'DISABLED' },
  'lostMode.off': { kind: 'status', action: 'REENABLE', expect: 'ACTIVE' },
  deprovision: { kind: 'status', action: 'DEPROVISION', expect: 'DEPROVISIONED' },
  reboot: { kind: 'command', type: 'REBOOT' },
  wipeUsers: { kind: 'command', type: 'WIPE_USERS' },
  powerwash: { kind: 'command', type: 'REMOTE_POWERWASH' },
  // Seed 000: to factory reset a device that must not re-enrol, deprovision it first.
  retireForGood: {
    kind: 'command',
    type: 'REMOTE_POWERWASH',
    first: { action: 'DEPROVISION', reason: 'RETIRING_DEVICE', label: 'Deprovision' },
  },
};

export function operationOf(action: ActionId): Operation | undefined {
  return OPERATIONS[action];
}

export const MAX_REBOOT_DELAY_SECONDS = 300;

/** What executing returned: a command to follow, or a status change Google accepted. */
export interface Executed {
  state: RequestState;
  commandId?: string;
  error?: string;
  /** A composite action's steps as they went. */
  steps?: StepResult[];
}

/** Runs the action once. Throws the directory's typed errors (quota, upstream) as they come. */
export async function executeOperation(
  directory: DeviceDirectory,
  action: ActionId,
  deviceId: string,
  params: ActionParams,
): Promise<Executed> {
  const op = operationOf(action);
  if (!op) throw new InvalidInput(`${action} can't be run from here yet.`);
  if (op.kind === 'status') {
    const reason: DeprovisionReason | undefined = op.action === 'DEPROVISION' ? params.reason : undefined;
    if (op.action === 'DEPROVISION' && !reason) throw new InvalidInput('Deprovisioning needs a reason.');
    const [result] = await directory.batchChangeStatus([deviceId], op.action, reason);
    // Google answers per device inside an HTTP 200: a refusal for this device is a failure.
    if (!result || !result.ok)
      return {
        state: 'Failed',
        error: `Google Admin refused the change: ${result?.error?.message ?? 'no result for this device'}`,
      };
    return { state: 'Sent' };
  }
  if (op.first) return executeInTwoSteps(directory, deviceId, op.type, op.first);
  const payload =
    op.type === 'REBOOT' && params.delaySeconds !== undefined
      ? { user_session_delay_seconds: params.delaySeconds }
      : undefined;
  const commandId = await directory.issueCommand(deviceId, op.type, payload);
  return { state: 'Pending', commandId };
}

const COMMAND_LABEL: Partial<Record<CommandType, string>> = { REMOTE_POWERWASH: 'Factory reset' };

/**
 * A status change, then a command, each step's result kept. The command is sent only once the
 * change took effect; if it can't be sent, the request says that the first step stands.
 */
async function executeInTwoSteps(
  directory: DeviceDirectory,
  deviceId: string,
  type: CommandType,
  first: NonNullable<Extract<Operation, { kind: 'command' }>['first']>,
): Promise<Executed> {
  const second = COMMAND_LABEL[type] ?? type;
  const [result] = await directory.batchChangeStatus([deviceId], first.action, first.reason);
  if (!result || !result.ok) {
    const why = result?.error?.message ?? 'no result for this device';
    return {
      state: 'Failed',
      error: `Google Admin refused the first step (${first.label.toLowerCase()}): ${why}. Nothing else was sent.`,
      steps: [
        { label: first.label, state: 'Failed', error: why },
        { label: second, state: 'Not sent' },
      ],
    };
  }
  const done: StepResult = { label: first.label, state: 'Done' };
  try {
    const commandId = await directory.issueCommand(deviceId, type);
    return { state: 'Pending', commandId, steps: [done, { label: second, state: 'Sent' }] };
  } catch (error) {
    const unknown = isOutcomeUnknown(error);
    const why = error instanceof DeskError ? error.userMessage : 'Google did not take it.';
    return {
      state: unknown ? 'Unknown' : 'Failed',
      error: `${first.label} is done; the ${second.toLowerCase()} ${unknown ? 'may have been sent' : 'was not sent'}: ${why}`,
      steps: [done, { label: second, state: unknown ? 'Unknown' : 'Failed', error: why }],
    };
  }
}

/** Google's command state as the requester reads it, with Google's own error when it failed. */
export function stateOfCommand(cmd: DeviceCommand, now: number): { state: RequestState; error?: string } {
  switch (cmd.state) {
    case 'EXECUTED_BY_CLIENT': {
      const result = cmd.result?.result;
      if (result === 'SUCCESS') return { state: 'Done' };
      if (result === 'IGNORED') return { state: 'Failed', error: 'The device ignored the command.' };
      return { state: 'Failed', error: cmd.result?.errorMessage || 'The device reported a failure without a message.' };
    }
    case 'EXPIRED':
      return {
        state: 'Expired',
        error: 'The device did not pick the command up before it expired (it was probably offline).',
      };
    case 'CANCELLED':
      return { state: 'Failed', error: 'The command was cancelled in Google Admin.' };
    case 'ACKED_BY_CLIENT':
      return { state: 'Acknowledged' };
    case 'SENT_TO_CLIENT':
      return { state: 'Sent' };
    default: {
      const expire = cmd.commandExpireTime ? Date.parse(cmd.commandExpireTime) : NaN;
      if (!Number.isNaN(expire) && now >= expire)
        return {
          state: 'Expired',
          error: 'The device did not pick the command up before it expired (it was probably offline).',
        };
      return { state: 'Pending' };
    }
  }
}
