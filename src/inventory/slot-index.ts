/**
 * Key → the slots (small numbers standing for devices) indexed under it, in ascending order.
 * A key held by one device keeps its slot without a list; longer lists are plain arrays of small
 * integers, which take a fraction of what a Set of device ids took.
 *
 * Changes are queued and applied together by `flush`: a sync writes a page at a time, and one
 * pass over a long list per page beats a splice per device.
 */
export type Held = number | number[];

export class SlotIndex {
  private readonly lists = new Map<string, Held>();
  /** key → slot → whether it ends up indexed under the key (the last change wins). */
  private readonly pending = new Map<string, Map<number, boolean>>();

  add(key: string | undefined, slot: number): void {
    if (key) this.queue(key, slot, true);
  }

  remove(key: string | undefined, slot: number): void {
    if (key) this.queue(key, slot, false);
  }

  get(key: string): Held | undefined {
    return this.lists.get(key);
  }

  entries(): IterableIterator<[string, Held]> {
    return this.lists.entries();
  }

  flush(): void {
    for (const [key, changes] of this.pending) this.apply(key, changes);
    this.pending.clear();
  }

  private queue(key: string, slot: number, present: boolean): void {
    let changes = this.pending.get(key);
    if (!changes) this.pending.set(key, (changes = new Map()));
    changes.set(slot, present);
  }

  private apply(key: string, changes: Map<number, boolean>): void {
    const held = this.lists.get(key);
    let slots: number[] = held === undefined ? [] : typeof held === 'number' ? [held] : held;
    const added: number[] = [];
    const removed = new Set<number>();
    for (const [slot, present] of changes) {
      if (present) added.push(slot);
      else removed.add(slot);
    }
    if (removed.size > 0) slots = slots.filter((s) => !removed.has(s));
    if (added.length > 0) slots = withSlots(slots, added);
    if (slots.length === 0) this.lists.delete(key);
    else this.lists.set(key, slots.length === 1 ? slots[0] : slots);
  }
}

/** `sorted` with `extra` merged in, still ascending and without duplicates. */
function withSlots(sorted: number[], extra: number[]): number[] {
  extra.sort((a, b) => a - b);
  const last = sorted.length > 0 ? sorted[sorted.length - 1] : -1;
  if (extra[0] > last) {
    // The usual case while a sync fills the inventory: new devices get ever higher slots.
    for (const slot of extra) sorted.push(slot);
    return sorted;
  }
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < sorted.length || j < extra.length) {
    const next = j >= extra.length || (i < sorted.length && sorted[i] <= extra[j]) ? sorted[i++] : extra[j++];
    if (merged.length === 0 || merged[merged.length - 1] !== next) merged.push(next);
  }
  return merged;
}

export function heldSize(held: Held | undefined): number {
  return held === undefined ? 0 : typeof held === 'number' ? 1 : held.length;
}

export function forEachSlot(held: Held | undefined, visit: (slot: number) => void): void {
  if (held === undefined) return;
  if (typeof held === 'number') visit(held);
  else for (const slot of held) visit(slot);
}

/** Binary search: lists are ascending. */
export function holds(held: Held, slot: number): boolean {
  if (typeof held === 'number') return held === slot;
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (held[mid] < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo < held.length && held[lo] === slot;
}
