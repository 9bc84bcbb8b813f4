import type { Decision, DeviceContext, RolePermission, UserAccess } from '../../access';
import type { BulkRun, BulkTarget, ItemRecord, SkippedEntry } from './types';

/** Splits targets by a fresh access decision: roles and scopes can change between preview and run. */
export function classifyTargets(
  targets: BulkTarget[],
  decide: (device: DeviceContext) => Decision,
): { allowed: BulkTarget[]; denied: SkippedEntry[] } {
  const allowed: BulkTarget[] = [];
  const denied: SkippedEntry[] = [];
  for (const t of targets) {
    const d = decide(t.context);
    if (d.allowed) allowed.push(t);
    else
      denied.push({
        input: t.input,
        reason: d.reason === 'out-of-scope' ? 'out-of-scope' : 'no-permission',
        detail: `${t.serialNumber}: ${d.message}`,
      });
  }
  return { allowed, denied };
}

export interface TargetRecheckDeps {
  /** The device as last synced: its org unit and people now, not at preview time. */
  device: (tenantId: string, deviceId: string) => Promise<DeviceContext | undefined>;
  /** The requester's roles now, read again (they may have lost a role or a scope since the preview). */
  access: (run: BulkRun) => Promise<UserAccess>;
  decide: (access: UserAccess, permission: RolePermission, device: DeviceContext) => Decision;
  /** The permissions the run's action needs. */
  permissions: (run: BulkRun) => readonly RolePermission[];
  now: () => number;
}

/** How long a requester's roles, read once, stand for a run. */
const ACCESS_TTL_MS = 60_000;

/**
 * Right before a device is acted on, the requester's scope is checked again against the device as
 * it is now: a device moved out of their org units since the preview, or a role taken away, is
 * skipped and reported, never acted on.
 */
export class TargetRecheck {
  private readonly accessByRun = new Map<string, { access: UserAccess; at: number }>();

  constructor(private readonly deps: TargetRecheckDeps) {}

  async split(run: BulkRun, targets: BulkTarget[]): Promise<{ allowed: BulkTarget[]; skipped: ItemRecord[] }> {
    const access = await this.accessOf(run);
    const allowed: BulkTarget[] = [];
    const skipped: ItemRecord[] = [];
    const at = this.deps.now();
    for (const t of targets) {
      const device = await this.deps.device(run.tenantId, t.deviceId);
      const refusal = device
        ? this.deps
            .permissions(run)
            .map((p) => this.deps.decide(access, p, device))
            .find((d): d is Extract<Decision, { allowed: false }> => !d.allowed)
        : undefined;
      if (device && !refusal) allowed.push(t);
      else {
        const error = device
          ? `Not sent: ${refusal!.message}`
          : 'Not sent: the device is no longer in the inventory of your organisation.';
        skipped.push({ deviceId: t.deviceId, state: 'skipped', error, at });
      }
    }
    return { allowed, skipped };
  }

  private async accessOf(run: BulkRun): Promise<UserAccess> {
    const cached = this.accessByRun.get(run.id);
    if (cached && this.deps.now() - cached.at < ACCESS_TTL_MS) return cached.access;
    const access = await this.deps.access(run);
    this.accessByRun.set(run.id, { access, at: this.deps.now() });
    return access;
  }
}
