/**
 * Remote commands as Google tracks them. Nothing runs on a timer: a command keeps the times at
 * which the device will pick it up, acknowledge and execute it, and its state is read off the
 * clock. Advancing a ManualClock therefore moves every command at once.
 */
import { DeviceBehaviour, Random } from '../fleet';

export type CommandResultType = 'SUCCESS' | 'FAILURE' | 'IGNORED';

export interface CommandPlan {
  sentAt: number;
  ackedAt: number;
  executedAt: number;
  result: CommandResultType;
  errorMessage?: string;
}

export interface CommandRecord {
  commandId: string;
  type: string;
  payload?: string;
  issueTime: number;
  expireTime: number;
  /** Absent while the device won't pick the command up (offline, deprovisioned). */
  plan?: CommandPlan;
  /** Whether the command's effect on the device has been applied. */
  applied: boolean;
}

export interface CommandTiming {
  /** Seconds an online device takes for each step (pick up, acknowledge, execute). */
  stepMs: number;
}

const FLAKY_ERRORS = [
  'Device lost its network connection while executing the command.',
  'Command timed out on the device.',
];

/** When and how a device will run a command issued (or still waiting) at `from`. */
export function planCommand(
  from: number,
  behaviour: DeviceBehaviour,
  timing: CommandTiming,
  random: Random,
): CommandPlan | undefined {
  if (behaviour.connectivity === 'offline') return undefined;
  if (behaviour.connectivity === 'online') {
    const step = timing.stepMs;
    return { sentAt: from + step, ackedAt: from + 2 * step, executedAt: from + 3 * step, result: 'SUCCESS' };
  }
  // Flaky: slow, and often the command fails or the device ignores it.
  const sentAt = from + random.int(5, 60) * 1000;
  const ackedAt = sentAt + random.int(5, 60) * 1000;
  const executedAt = ackedAt + random.int(5, 120) * 1000;
  const result = random.weighted<CommandResultType>([
    ['SUCCESS', 4],
    ['FAILURE', 4],
    ['IGNORED', 2],
  ]);
  return {
    sentAt,
    ackedAt,
    executedAt,
    result,
    ...(result === 'FAILURE' ? { errorMessage: random.pick(FLAKY_ERRORS) } : {}),
  };
}

export type CommandState = 'PENDING' | 'SENT_TO_CLIENT' | 'ACKED_BY_CLIENT' | 'EXECUTED_BY_CLIENT' | 'EXPIRED';

/** A command the device picked up before it expired runs to the end; otherwise it expires. */
export function delivered(c: CommandRecord): boolean {
  return c.plan !== undefined && c.plan.sentAt < c.expireTime;
}

export function commandState(c: CommandRecord, now: number): CommandState {
  if (delivered(c) && c.plan && now >= c.plan.sentAt) {
    if (now >= c.plan.executedAt) return 'EXECUTED_BY_CLIENT';
    if (now >= c.plan.ackedAt) return 'ACKED_BY_CLIENT';
    return 'SENT_TO_CLIENT';
  }
  return now >= c.expireTime ? 'EXPIRED' : 'PENDING';
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The DirectoryChromeosdevicesCommand resource. */
export function commandResource(c: CommandRecord, now: number): Record<string, unknown> {
  const state = commandState(c, now);
  const out: Record<string, unknown> = {
    commandId: c.commandId,
    type: c.type,
    issueTime: iso(c.issueTime),
    state,
    commandExpireTime: iso(c.expireTime),
  };
  if (c.payload !== undefined) out.payload = c.payload;
  if (state === 'EXECUTED_BY_CLIENT' && c.plan) {
    const result: Record<string, unknown> = { result: c.plan.result, executeTime: iso(c.plan.executedAt) };
    if (c.plan.errorMessage) result.errorMessage = c.plan.errorMessage;
    out.commandResult = result;
  }
  return out;
}
