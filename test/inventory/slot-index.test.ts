import { forEachSlot, heldSize, holds, SlotIndex, type Held } from '../../src/inventory/slot-index';
import { createRandom, type Random } from '../../src/sandbox/fleet';

const slotsOf = (held: Held | undefined): number[] => {
  const out: number[] = [];
  forEachSlot(held, (slot) => out.push(slot));
  return out;
};

/** The index beside a plain model of it: key → set of slots, changed at once. */
function pair() {
  const index = new SlotIndex();
  const model = new Map<string, Set<number>>();
  const change = (key: string, slot: number, present: boolean) => {
    if (present) index.add(key, slot);
    else index.remove(key, slot);
    const slots = model.get(key) ?? new Set<number>();
    if (present) slots.add(slot);
    else slots.delete(slot);
    if (slots.size > 0) model.set(key, slots);
    else model.delete(key);
  };
  /** Every key's slots and size, and with maxSlot the membership of each slot up to it, in one go. */
  const check = (maxSlot = -1) => {
    index.flush();
    const keys = [...new Set([...model.keys(), ...[...index.entries()].map(([k]) => k)])].sort();
    const seen = (held: Held | undefined) => ({
      slots: slotsOf(held),
      size: heldSize(held),
      holds: Array.from({ length: maxSlot + 1 }, (_, slot) => held !== undefined && holds(held, slot)),
    });
    const expected = (slots: Set<number> | undefined) => {
      const sorted = [...(slots ?? [])].sort((a, b) => a - b);
      return {
        slots: sorted,
        size: sorted.length,
        holds: Array.from({ length: maxSlot + 1 }, (_, slot) => slots?.has(slot) ?? false),
      };
    };
    expect(keys.map((key) => [key, seen(index.get(key))])).toEqual(keys.map((key) => [key, expected(model.get(key))]));
  };
  return { index, change, check };
}

/** A batch as a sync writes it: mostly new devices on ever higher slots, some changed or gone. */
function batch(random: Random, keys: string[], next: { slot: number }, change: ReturnType<typeof pair>['change']) {
  for (let i = random.int(0, 40); i > 0; i--) {
    const roll = random.next();
    const key = random.pick(keys);
    if (roll < 0.6) change(key, next.slot++, true);
    else if (next.slot > 0) change(key, random.int(0, next.slot - 1), roll < 0.8);
  }
}

describe('SlotIndex', () => {
  it('holds what a plain model holds, over batches of adds and removes with one flush each', () => {
    for (let run = 0; run < 20; run++) {
      const random = createRandom(`slots-${run}`);
      // Few keys grow long (packed) lists; many keys stay single slots or short lists.
      const keys = Array.from({ length: random.int(1, 60) }, (_, i) => `k${i}`);
      const { change, check } = pair();
      const next = { slot: 0 };
      for (let b = 0; b < 40; b++) {
        batch(random, keys, next, change);
        check();
      }
      check(next.slot);
    }
  });

  it('lets the last change of a slot win within one flush', () => {
    const { change, check } = pair();
    change('a', 3, true);
    change('a', 3, false);
    change('b', 5, false);
    change('b', 5, true);
    check(6);
    change('a', 1, true);
    change('a', 1, false);
    change('a', 1, true);
    change('b', 5, false);
    check(6);
  });

  it('packs a long list and grows it in place while new slots come after the last', () => {
    const index = new SlotIndex();
    for (let slot = 0; slot < 100; slot++) index.add('common', slot);
    index.flush();
    const packed = index.get('common');
    expect(packed).toBeInstanceOf(Int32Array);
    index.add('common', 100);
    index.flush();
    expect(index.get('common')).toBe(packed);
    expect(heldSize(index.get('common'))).toBe(101);
  });
});
