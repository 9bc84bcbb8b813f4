/** One thing an instance needs before it can take turns, and how to ask whether it has it. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface Readiness {
  ready: boolean;
  /** Each check by name: ok or failing, so an operator sees which one holds the instance back. */
  checks: Record<string, 'ok' | 'failing'>;
}

/** Asks every check at once; a check that throws or takes longer than timeoutMs counts as failing. */
export async function readiness(checks: Record<string, ReadinessCheck>, timeoutMs = 2000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await passes(check, timeoutMs)] as const),
  );
  const result: Readiness['checks'] = {};
  for (const [name, ok] of entries) result[name] = ok ? 'ok' : 'failing';
  return { ready: entries.every(([, ok]) => ok), checks: result };
}

async function passes(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
