import { expect } from 'chai';
import { Decimal128, Double, Int32, Long, ObjectId, type Document } from 'bson';
import { Collection } from '../../src/engine/collection.js';
import { planAccess } from '../../src/engine/candidates.js';
import { countMatches, queryResults } from '../../src/commands/read.commands.js';
import { compileFilter, compileSort } from '../../src/query/index.js';

/** Deterministic pseudo-random numbers, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const BASE = Date.UTC(2026, 0, 1);
const OIDS = Array.from({ length: 6 }, (_, i) => new ObjectId(`65a0000000000000000000${10 + i}`));

/** Values of every type bracket the index has to order, with numeric types that compare equal. */
function scalar(rand: () => number): unknown {
  const n = Math.floor(rand() * 12) - 3;
  switch (Math.floor(rand() * 14)) {
    case 0:
      return n;
    case 1:
      return n + 0.5;
    case 2:
      return Long.fromNumber(n);
    case 3:
      return Decimal128.fromString(n % 2 ? `${n}.0` : `${n}.5`);
    case 4:
      return new Int32(n);
    case 5:
      return new Double(n);
    case 6:
      return ['a', 'b', 'bb', 'c', '', 'Z'][Math.abs(n) % 6];
    case 7:
      return new Date(BASE + n * 3_600_000);
    case 8:
      return OIDS[Math.abs(n) % OIDS.length];
    case 9:
      return n % 2 === 0;
    case 10:
      return null;
    case 11:
      return [NaN, Infinity, -Infinity][Math.abs(n) % 3];
    case 12:
      return { x: n };
    default:
      return `s${n}`;
  }
}

/** A field value: mostly scalars, sometimes arrays (multikey), sometimes left out. */
function value(rand: () => number, arrays: boolean): unknown {
  const r = rand();
  if (r < 0.12) return undefined;
  if (arrays && r < 0.3) {
    const len = Math.floor(rand() * 4);
    return Array.from({ length: len }, () => scalar(rand));
  }
  return scalar(rand);
}

function randomDoc(rand: () => number, id: number): Document {
  const doc: Document = { _id: id };
  const put = (k: string, v: unknown): void => {
    if (v !== undefined) doc[k] = v;
  };
  put('a', value(rand, false));
  put('b', value(rand, false));
  put('c', value(rand, false));
  put('tags', value(rand, true));
  put('kind', rand() < 0.5 ? 'x' : 'y');
  put('p', value(rand, false));
  if (rand() < 0.8) {
    doc.sub = rand() < 0.3 ? [{ x: scalar(rand) }, { x: scalar(rand) }] : { x: scalar(rand) };
  }
  return doc;
}

/** Plain values a query may compare with (what range/equality bounds accept, and some not). */
function bound(rand: () => number): unknown {
  const v = scalar(rand);
  return v;
}

function condition(rand: () => number): unknown {
  const r = rand();
  if (r < 0.25) return bound(rand);
  if (r < 0.35) return { $in: [bound(rand), bound(rand), bound(rand)] };
  const ops = ['$gt', '$gte', '$lt', '$lte'];
  const cond: Document = {};
  cond[ops[Math.floor(rand() * 4)]] = bound(rand);
  if (rand() < 0.5) cond[ops[Math.floor(rand() * 4)]] = bound(rand);
  if (rand() < 0.1) cond.$ne = bound(rand);
  return cond;
}

function randomFilter(rand: () => number): Document {
  const fields = ['a', 'b', 'c', 'tags', 'sub.x', 'p', 'kind'];
  const filter: Document = {};
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const f = fields[Math.floor(rand() * fields.length)];
    filter[f] = f === 'kind' ? (rand() < 0.5 ? 'x' : 'y') : condition(rand);
  }
  if (rand() < 0.15) return { $and: [filter, { a: condition(rand) }] };
  return filter;
}

function randomSort(rand: () => number): Document {
  const sorts: Document[] = [
    { a: 1 },
    { a: -1 },
    { b: 1 },
    { b: -1 },
    { a: 1, b: 1 },
    { a: -1, b: -1 },
    { a: 1, b: -1 },
    { c: 1 },
    { tags: 1 },
    { b: 1, a: 1 },
  ];
  return sorts[Math.floor(rand() * sorts.length)];
}

function build(rand: () => number, n: number): Collection {
  const coll = new Collection('db', 'mixed', {});
  coll.addIndex({ v: 2, key: { a: 1 }, name: 'a_1' });
  coll.addIndex({ v: 2, key: { b: -1 }, name: 'b_-1' });
  coll.addIndex({ v: 2, key: { a: 1, b: 1 }, name: 'a_1_b_1' });
  coll.addIndex({ v: 2, key: { tags: 1 }, name: 'tags_1' });
  coll.addIndex({ v: 2, key: { 'sub.x': 1 }, name: 'sub.x_1' });
  coll.addIndex({ v: 2, key: { c: 1 }, name: 'c_1', sparse: true });
  coll.addIndex({
    v: 2,
    key: { p: 1 },
    name: 'p_1',
    partialFilterExpression: { kind: 'x' },
  });
  coll.addIndex({ v: 2, key: { kind: 1, c: -1 }, name: 'kind_1_c_-1' });
  for (let i = 0; i < n; i++) coll.insert(randomDoc(rand, i));
  return coll;
}

/** Every document, decoded, in natural order: what a collection scan sees. */
function allDocs(coll: Collection): Document[] {
  return [...coll.docs.values()].map((s) => coll.decode(s));
}

function reference(coll: Collection, filter: Document, sort?: Document, limit = 0): Document[] {
  const matches = compileFilter(filter);
  let docs = allDocs(coll).filter(matches);
  if (sort) docs = docs.sort(compileSort(sort));
  return limit > 0 ? docs.slice(0, limit) : docs;
}

const ids = (docs: Document[]): unknown[] =>
  docs.map((d) => d._id).sort((x, y) => Number(x) - Number(y));

describe('embedded engine range and sort through indexes', () => {
  it('finds exactly what a full scan finds, over random mixed-type data and filters', () => {
    const rand = rng(11);
    const coll = build(rand, 600);
    let viaIndex = 0;
    for (let q = 0; q < 400; q++) {
      const filter = randomFilter(rand);
      const want = reference(coll, filter);
      const got = coll.find(filter).map((h) => h.doc);
      expect(ids(got), JSON.stringify(filter)).to.deep.equal(ids(want));
      expect(countMatches(coll, filter), JSON.stringify(filter)).to.equal(want.length);
      if (planAccess(coll, filter).index) viaIndex += 1;
    }
    // The generator mostly hits indexed fields: most plans must use an index.
    expect(viaIndex).to.be.greaterThan(250);
  });

  it('sorts and limits like a full scan, stopping early when the index gives the order', () => {
    const rand = rng(23);
    const coll = build(rand, 500);
    let indexOrdered = 0;
    for (let q = 0; q < 300; q++) {
      const filter = rand() < 0.3 ? {} : randomFilter(rand);
      const sort = randomSort(rand);
      const limit = [0, 1, 3, 20][Math.floor(rand() * 4)];
      const skip = rand() < 0.2 ? 2 : 0;
      const want = reference(coll, filter, sort).slice(skip, limit > 0 ? skip + limit : undefined);
      const got = [...queryResults(coll, { filter, sort, limit, skip })];
      const label = JSON.stringify({ filter, sort, limit, skip });
      expect(got.length, label).to.equal(want.length);
      // Documents whose sort keys tie may come in another order (as on mongod): compare keys.
      const cmp = compileSort(sort);
      got.forEach((d, i) => expect(cmp(d, want[i]), label).to.equal(0));
      const wantAll = reference(coll, filter);
      const matches = new Set(wantAll.map((d) => d._id));
      expect(
        got.every((d) => matches.has(d._id)),
        label
      ).to.equal(true);
      expect(new Set(got.map((d) => d._id)).size, label).to.equal(got.length);
      if (planAccess(coll, filter, sort).sorted) indexOrdered += 1;
    }
    expect(indexOrdered).to.be.greaterThan(60);
  });

  it('keeps ordered index entries right through updates and deletes after they were built', () => {
    const rand = rng(5);
    const coll = build(rand, 300);
    // Build the ordered entries of every index first.
    for (const f of ['a', 'b', 'tags', 'sub.x']) coll.find({ [f]: { $gte: -100 } });
    coll.find({ kind: 'x', c: { $lt: 'zzz' } });
    coll.find({ kind: 'x', p: { $gt: 0 } });
    for (let step = 0; step < 300; step++) {
      const id = Math.floor(rand() * 400);
      const hit = coll.find({ _id: id })[0];
      if (hit && rand() < 0.3) coll.remove(hit.key, hit.doc);
      else if (hit) coll.replace(hit.key, hit.doc, randomDoc(rand, id));
      else coll.insert(randomDoc(rand, id));
    }
    for (let q = 0; q < 200; q++) {
      const filter = randomFilter(rand);
      const sort = randomSort(rand);
      expect(ids(coll.find(filter).map((h) => h.doc)), JSON.stringify(filter)).to.deep.equal(
        ids(reference(coll, filter))
      );
      const got = [...queryResults(coll, { filter, sort, limit: 5 })];
      const want = reference(coll, filter, sort, 5);
      const cmp = compileSort(sort);
      expect(got.length).to.equal(want.length);
      got.forEach((d, i) => expect(cmp(d, want[i]), JSON.stringify({ filter, sort })).to.equal(0));
    }
  });

  it('plans an index range for $gt/$lte, $in and equality on a compound prefix', () => {
    const coll = new Collection('db', 'jobs', {});
    coll.addIndex({ v: 2, key: { state: 1, dueAt: 1 }, name: 'state_1_dueAt_1' });
    coll.addIndex({ v: 2, key: { n: 1 }, name: 'n_1' });
    for (let i = 0; i < 2000; i++)
      coll.insert({
        _id: i,
        state: ['due', 'sent', 'failed'][i % 3],
        dueAt: new Date(BASE + i),
        n: i,
      });
    const now = new Date(BASE + 1000);
    const due = planAccess(coll, { state: 'due', dueAt: { $lte: now } }, { dueAt: 1 });
    expect(due).to.include({ index: 'state_1_dueAt_1', sorted: true, direction: 1 });
    expect(due.estimate).to.equal(334);
    const latest = planAccess(coll, { state: 'due' }, { dueAt: -1 });
    expect(latest).to.include({ index: 'state_1_dueAt_1', sorted: true, direction: -1 });
    expect(coll.find({ state: 'due' }, 1, { dueAt: -1 })[0].doc._id).to.equal(1998);
    const range = planAccess(coll, { n: { $gt: 10, $lt: 20 } });
    expect(range).to.include({ index: 'n_1', estimate: 9, exact: true });
    const states = { state: { $in: ['due', 'failed'] }, dueAt: { $gte: now } };
    expect(planAccess(coll, states)).to.include({ index: 'state_1_dueAt_1', estimate: 666 });
    // Several states merged into one dueAt order (what the outbox backlog query asks).
    const backlog = { state: { $in: ['due', 'failed'] }, dueAt: { $lte: now } };
    const merged = planAccess(coll, backlog, { dueAt: 1 });
    expect(merged).to.include({ index: 'state_1_dueAt_1', sorted: true, estimate: 667 });
    const oldest = [...queryResults(coll, { filter: backlog, sort: { dueAt: -1 }, limit: 4 })];
    expect(oldest.map((d) => d._id)).to.deep.equal([999, 998, 996, 995]);
    // A string bound never reaches numbers, a number bound never strings (type brackets).
    coll.insert({ _id: 'str', n: 'text' });
    expect(coll.find({ n: { $gt: 1990 } }).map((h) => h.doc._id)).to.deep.equal(
      Array.from({ length: 9 }, (_, i) => 1991 + i)
    );
    expect(coll.find({ n: { $gte: '' } }).map((h) => h.doc._id)).to.deep.equal(['str']);
    expect(planAccess(coll, { n: { $gte: '' } }).estimate).to.equal(1);
    expect(countMatches(coll, { state: 'sent', dueAt: { $lt: now } })).to.equal(333);
  });

  it('matches a multikey document whose elements meet the two bounds separately', () => {
    const coll = new Collection('db', 'multi', {});
    coll.addIndex({ v: 2, key: { a: 1 }, name: 'a_1' });
    coll.insert({ _id: 1, a: [1, 10] });
    coll.insert({ _id: 2, a: 4 });
    coll.insert({ _id: 3, a: [6, 7] });
    const filter = { a: { $gt: 3, $lt: 5 } };
    expect(ids(coll.find(filter).map((h) => h.doc))).to.deep.equal([1, 2]);
    expect(countMatches(coll, filter)).to.equal(2);
    // An array field cannot give the sort order (a document sorts by its smallest element).
    expect(planAccess(coll, {}, { a: 1 }).sorted).to.equal(false);
    expect([...queryResults(coll, { sort: { a: -1 } })].map((d) => d._id)).to.deep.equal([1, 3, 2]);
  });

  it('re-checks fractions the equality map cannot tell apart (0.1 vs Decimal128 0.1)', () => {
    const coll = new Collection('db', 'fractions', {});
    coll.addIndex({ v: 2, key: { x: 1 }, name: 'x_1' });
    const dec = Decimal128.fromString('0.1');
    for (let i = 0; i < 40; i++) coll.insert({ _id: i, x: i % 4 ? dec : 0.1 });
    coll.insert({ _id: Decimal128.fromString('0.3'), x: 1 });
    expect(countMatches(coll, { x: 0.1 })).to.equal(10);
    expect(countMatches(coll, { x: dec })).to.equal(30);
    expect(coll.find({ x: { $in: [0.1] } })).to.have.length(10);
    expect(countMatches(coll, { _id: 0.3 })).to.equal(0);
    expect(coll.find({ _id: 0.3 })).to.have.length(0);
  });

  it('uses a partial index only when the filter implies its expression; never a hidden one', () => {
    const coll = new Collection('db', 'partial', {});
    coll.addIndex({ v: 2, key: { p: 1 }, name: 'p_1', partialFilterExpression: { kind: 'x' } });
    coll.addIndex({ v: 2, key: { q: 1 }, name: 'q_1', hidden: true });
    for (let i = 0; i < 100; i++) coll.insert({ _id: i, kind: i % 2 ? 'x' : 'y', p: i, q: i });
    expect(planAccess(coll, { p: { $lt: 10 } }).index).to.equal(undefined);
    expect(coll.find({ p: { $lt: 10 } })).to.have.length(10);
    const implied = planAccess(coll, { kind: 'x', p: { $lt: 10 } });
    expect(implied).to.include({ index: 'p_1', estimate: 5 });
    expect(coll.find({ kind: 'x', p: { $lt: 10 } })).to.have.length(5);
    expect(planAccess(coll, { q: { $gt: 90 } }).index).to.equal(undefined);
    expect(coll.find({ q: { $gt: 90 } })).to.have.length(9);
  });
});
