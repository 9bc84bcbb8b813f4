import type { Decision, DeviceContext } from '../../access';
import type { BulkTarget, SkippedEntry } from './types';

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
