import { expect } from 'chai';
import { topK } from '../../src/engine/top-k.js';

describe('embedded engine top-k selection', () => {
  it('returns the same first k items as a full stable sort, ties included', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ key: (i * 7919) % 37, i }));
    const cmp = (a: { key: number }, b: { key: number }) => a.key - b.key;
    for (const k of [1, 5, 37, 499, 500, 600]) {
      expect(topK(items, k, cmp)).to.deep.equal([...items].sort(cmp).slice(0, k));
    }
    expect(topK(items, 0, cmp)).to.deep.equal([]);
  });
});
