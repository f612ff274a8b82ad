import { BSON } from 'bson';
import { expect } from 'chai';
import {
  applyProjection,
  applyUpdate,
  compileFilter,
  deepClone,
  runPipeline,
  upsertSeed,
} from '../../src/query/index.js';

/** A document as the driver's BSON decoder builds it, with `__proto__` as an own field. */
function decoded(json: string): Record<string, unknown> {
  return BSON.deserialize(BSON.serialize(JSON.parse(json)));
}

describe('query: field names that are also JavaScript property names', () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('updates and upserts a __proto__ path as an ordinary field, never Object.prototype', () => {
    const res = applyUpdate({ _id: 1 }, { $set: { '__proto__.polluted': 1 } });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.keys(res.doc)).to.deep.equal(['_id', '__proto__']);
    upsertSeed(decoded('{"__proto__.polluted": 1}'));
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('treats a missing "constructor" field as missing, not as the inherited function', () => {
    const pred = compileFilter({ constructor: null });
    expect(pred({ _id: 1 })).to.equal(true);
    expect(compileFilter({ toString: { $exists: true } })({ _id: 1 })).to.equal(false);
  });

  it('keeps an own __proto__ field through clone, projection and pipeline', () => {
    const doc = decoded('{"_id": 1, "__proto__": {"x": 1}, "a": 2}');
    expect(Object.keys(deepClone(doc))).to.deep.equal(['_id', '__proto__', 'a']);
    expect(Object.keys(applyProjection(doc, { a: 0 }))).to.deep.equal(['_id', '__proto__']);
    const [out] = runPipeline([doc], [{ $match: { '__proto__.x': 1 } }], { collection: () => [] });
    expect(out).to.equal(doc);
  });
});
