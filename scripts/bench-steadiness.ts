/**
 * How steady a benchmark figure is: each figure is measured in several rounds, the first one
 * (warm-up) thrown away, and reported as the median with its min–max. A figure whose spread
 * across rounds is wider than its margin to the target can't say whether the target is met: it is
 * "unsteady", and a rerun could flip it.
 */

export interface Summary {
  /** Rounds kept (warm-up excluded). */
  rounds: number;
  median: number;
  min: number;
  max: number;
  /** max − min, in the figure's own unit. */
  spread: number;
}

/** atMost: the figure must stay at or under the bound (a time, a ratio to a bound); atLeast: at or over it. */
export type Target = { atMost: number } | { atLeast: number };

export type Verdict = 'met' | 'not met' | 'unsteady';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (q in 0..1): the smallest sample with at least q of the samples at or under it. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no rounds to summarize');
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { rounds: values.length, median: median(values), min, max, spread: max - min };
}

/** Round by round b[i] / a[i]: each ratio compares two measurements taken next to each other. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`rounds differ: ${a.length} against ${b.length}`);
  return a.map((x, i) => b[i] / x);
}

export function targetBound(target: Target): number {
  return 'atMost' in target ? target.atMost : target.atLeast;
}

/** Distance from the median to the target's bound, whichever side it is on. */
export function margin(summary: Summary, target: Target): number {
  return Math.abs(summary.median - targetBound(target));
}

export function verdict(summary: Summary, target: Target): Verdict {
  if (summary.spread > margin(summary, target)) return 'unsteady';
  const met = 'atMost' in target ? summary.median <= target.atMost : summary.median >= target.atLeast;
  return met ? 'met' : 'not met';
}

/**
 * Runs the steps in turn, round after round (A, B, A, B …), so that whatever else the machine does
 * falls on every step alike; the first `warmUp` rounds are run and thrown away.
 */
export async function interleave<K extends string, T>(
  rounds: number,
  warmUp: number,
  steps: Record<K, (round: number) => Promise<T>>,
): Promise<Record<K, T[]>> {
  const names = Object.keys(steps) as K[];
  const kept = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < warmUp + rounds; round++) {
    for (const name of names) {
      const value = await steps[name](round - warmUp);
      if (round >= warmUp) kept[name].push(value);
    }
  }
  return kept;
}
