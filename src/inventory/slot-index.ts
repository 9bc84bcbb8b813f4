/**
 * Key → the slots (small numbers standing for devices) indexed under it, in ascending order.
 * A key held by one device keeps its slot without a list; short lists are plain arrays, long ones
 * (the words most devices share) are Int32Arrays with their length in the first element and room
 * to grow after the last: half the bytes of an array, a fraction of a Set of device ids.
 *
 * Changes are queued and applied together by `flush`: a sync writes a page at a time, and one
 * pass over a long list per page beats a splice per device.
 */
export type Held = number | number[] | Int32Array;

/** Lists this long or longer are packed. */
const PACK_AT = 32;

export class SlotIndex {
  private readonly lists = new Map<string, Held>();
  /** key → its changes in the order they came: a slot added, or ~slot (negative) removed. */
  private readonly pending = new Map<string, number[]>();

  add(key: string | undefined, slot: number): void {
    if (key) this.queue(key, slot);
  }

  remove(key: string | undefined, slot: number): void {
    if (key) this.queue(key, ~slot);
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

  private queue(key: string, change: number): void {
    const changes = this.pending.get(key);
    if (changes) changes.push(change);
    else this.pending.set(key, [change]);
  }

  private apply(key: string, changes: number[]): void {
    const held = this.lists.get(key);
    const { added, removed } = settled(changes);
    const next =
      removed === undefined && (added.length === 0 || added[0] > lastOf(held))
        ? appended(held, added)
        : withChanges(held, added, removed ?? new Set());
    if (next === undefined) this.lists.delete(key);
    else if (next !== held) this.lists.set(key, next);
  }
}

/**
 * What a key's changes come to: the slots added, ascending, and those removed. The last change
 * of a slot wins. Most keys get one change per flush (a device's own serial, asset id, rare
 * words), so that case makes nothing but the one-element list it already has.
 */
function settled(changes: number[]): { added: number[]; removed?: Set<number> } {
  if (changes.length === 1)
    return changes[0] >= 0 ? { added: changes } : { added: [], removed: new Set([~changes[0]]) };
  const last = new Map<number, boolean>();
  for (const change of changes) last.set(change >= 0 ? change : ~change, change >= 0);
  const added: number[] = [];
  let removed: Set<number> | undefined;
  for (const [slot, present] of last) {
    if (present) added.push(slot);
    else (removed ??= new Set()).add(slot);
  }
  added.sort((a, b) => a - b);
  return { added, removed };
}

/** The highest slot held; -1 for none. */
function lastOf(held: Held | undefined): number {
  if (held === undefined) return -1;
  if (typeof held === 'number') return held;
  return held instanceof Int32Array ? held[held[0]] : held[held.length - 1];
}

/**
 * The usual case while a sync fills the inventory: new devices get ever higher slots, so `added`
 * (ascending) goes after every slot held. A packed list grows in place while it has room.
 */
function appended(held: Held | undefined, added: number[]): Held | undefined {
  if (added.length === 0) return held;
  if (held instanceof Int32Array) return appendedPacked(held, added);
  if (held === undefined && added.length === 1) return added[0];
  const list = held === undefined ? added : typeof held === 'number' ? [held, ...added] : held.concat(added);
  return list.length < PACK_AT ? list : packedList(list);
}

function appendedPacked(packed: Int32Array, added: number[]): Int32Array {
  const size = packed[0];
  let out = packed;
  if (size + added.length + 1 > packed.length) {
    out = new Int32Array(Math.ceil((size + added.length + 1) * 1.5));
    out.set(packed.subarray(0, size + 1));
  }
  out.set(added, size + 1);
  out[0] = size + added.length;
  return out;
}

function packedList(list: number[]): Int32Array {
  const packed = new Int32Array(Math.ceil(list.length * 1.25) + 1);
  packed[0] = list.length;
  packed.set(list, 1);
  return packed;
}

/** The general case: a merge into a fresh list. `added` is ascending. */
function withChanges(held: Held | undefined, added: number[], removed: Set<number>): Held | undefined {
  const merged: number[] = [];
  let j = 0;
  const take = (slot: number): void => {
    while (j < added.length && added[j] < slot) push(merged, added[j++]);
    if (!removed.has(slot)) push(merged, slot);
  };
  forEachSlot(held, take);
  while (j < added.length) push(merged, added[j++]);
  if (merged.length === 0) return undefined;
  if (merged.length === 1) return merged[0];
  return merged.length < PACK_AT ? merged : packedList(merged);
}

/** Appends unless it repeats the last slot (a slot added where it already was). */
function push(list: number[], slot: number): void {
  if (list.length === 0 || list[list.length - 1] !== slot) list.push(slot);
}

export function heldSize(held: Held | undefined): number {
  if (held === undefined) return 0;
  if (typeof held === 'number') return 1;
  return held instanceof Int32Array ? held[0] : held.length;
}

export function forEachSlot(held: Held | undefined, visit: (slot: number) => void): void {
  if (held === undefined) return;
  if (typeof held === 'number') visit(held);
  else if (held instanceof Int32Array) for (let i = 1; i <= held[0]; i++) visit(held[i]);
  else for (const slot of held) visit(slot);
}

/** Binary search: lists are ascending. */
export function holds(held: Held, slot: number): boolean {
  if (typeof held === 'number') return held === slot;
  const packed = held instanceof Int32Array;
  let lo = packed ? 1 : 0;
  let hi = packed ? held[0] + 1 : held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (held[mid] < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo < (packed ? held[0] + 1 : held.length) && held[lo] === slot;
}
