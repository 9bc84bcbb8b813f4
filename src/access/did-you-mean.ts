/** Suggests the closest known name for a typo, so config errors can say what was meant. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    // A cut-off name ("Remote tasks/Reboot") is closer to its completion than to a same-length neighbour.
    const truncated =
      needle.length >= 4 && lower.startsWith(needle) ? 0.5 + (lower.length - needle.length) / 1000 : Infinity;
    const d = Math.min(truncated, editDistance(needle, lower));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Beyond a third of the word it is a different word, not a typo.
  const allowed = Math.max(2, Math.floor(needle.length / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** " — did you mean "X"?" or nothing. */
export function suggestion(input: string, candidates: readonly string[]): string {
  const match = didYouMean(input, candidates);
  return match ? ` — did you mean "${match}"?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
