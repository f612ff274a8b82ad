import { expect } from 'chai';
import { SortedEntries, type SortedEntry } from '../../src/engine/sorted-entries.js';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const cmp = (a: SortedEntry, b: SortedEntry): number =>
  (a.key as number) - (b.key as number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('embedded engine sorted index entries', () => {
  it('stays in order through random inserts and removes across many chunks', () => {
    const rand = rng(7);
    const list = new SortedEntries(cmp);
    let model: SortedEntry[] = [];
    for (let step = 0; step < 6000; step++) {
      if (model.length > 0 && rand() < 0.35) {
        const victim = model[Math.floor(rand() * model.length)];
        list.remove({ key: victim.key, id: victim.id });
        model = model.filter((e) => e !== victim);
      } else {
        const e = { key: Math.floor(rand() * 300), id: `i${step}` };
        list.insert(e);
        model.push(e);
      }
    }
    model.sort(cmp);
    expect(list.size).to.equal(model.length);
    const all = [
      ...list.scan(
        () => false,
        () => false,
        1
      ),
    ];
    expect(all.map((e) => e.id)).to.deep.equal(model.map((e) => e.id));
    const back = [
      ...list.scan(
        () => false,
        () => false,
        -1
      ),
    ];
    expect(back.map((e) => e.id)).to.deep.equal(model.map((e) => e.id).reverse());
    for (const [lo, hi] of [
      [0, 10],
      [100, 101],
      [250, 400],
      [-5, -1],
    ]) {
      const before = (e: SortedEntry): boolean => (e.key as number) < lo;
      const after = (e: SortedEntry): boolean => (e.key as number) > hi;
      const want = model.filter((e) => !before(e) && !after(e)).map((e) => e.id);
      expect(list.count(before, after)).to.equal(want.length);
      expect([...list.scan(before, after, 1)].map((e) => e.id)).to.deep.equal(want);
      expect([...list.scan(before, after, -1)].map((e) => e.id)).to.deep.equal([...want].reverse());
    }
  });

  it('builds in one sort and removes a missing entry as a no-op', () => {
    const list = SortedEntries.from(
      [3, 1, 2].map((k) => ({ key: k, id: `d${k}` })),
      cmp
    );
    list.remove({ key: 9, id: 'nope' });
    list.remove({ key: 2, id: 'other' });
    expect(
      [
        ...list.scan(
          () => false,
          () => false,
          1
        ),
      ].map((e) => e.key)
    ).to.deep.equal([1, 2, 3]);
  });

  it('resumes a paused scan after writes without repeating or skipping survivors', () => {
    for (const direction of [1, -1] as const) {
      const list = SortedEntries.from(
        Array.from({ length: 2000 }, (_, i) => ({ key: i, id: `d${String(i).padStart(4, '0')}` })),
        cmp
      );
      const scan = list.scan(
        () => false,
        () => false,
        direction
      );
      const seen: number[] = [];
      for (let i = 0; i < 700; i++) seen.push(scan.next().value!.key as number);
      const next = seen[seen.length - 1] + direction;
      // Remove what the scan would see next and what it saw; add entries on both sides.
      for (let k = next; Math.abs(k - next) < 600; k += direction)
        list.remove({ key: k, id: `d${String(k).padStart(4, '0')}` });
      const idOf = (k: number): string => `d${String(k).padStart(4, '0')}`;
      for (let k = 0; k < 600; k += 2) list.remove({ key: k, id: idOf(k) });
      list.insert({ key: 5000 * direction, id: 'late' });
      list.insert({ key: -5000 * direction, id: 'early' });
      for (let r = scan.next(); !r.done; r = scan.next()) seen.push(r.value.key as number);
      expect(new Set(seen).size).to.equal(seen.length);
      for (let i = 1; i < seen.length; i++)
        expect(Math.sign(seen[i] - seen[i - 1])).to.equal(direction);
      expect(seen)
        .to.include(5000 * direction)
        .and.not.include(-5000 * direction);
      expect(seen).to.not.include(next);
    }
  });
});
