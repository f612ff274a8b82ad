import { expect } from 'chai';
import { describeCompat, rejectionOf } from './compat-harness.js';

/**
 * Features this server refuses rather than ignores (238 NotImplemented): geo indexes, text
 * search in languages it does not stem, other `$meta` kinds, and find options that change results. Against a real mongod these
 * succeed, so the suite runs against the embedded server only.
 */
describeCompat('refused features', (target) => {
  it('refuses geo indexes, $meta kinds and find options with 238 (embedded server)', async function () {
    if (!target().embedded) {
      if (this.test) this.test.title += ' (skipped: mongod implements text search)';
      this.skip();
    }
    const coll = target().db.collection('texts');
    await coll.insertOne({ body: 'hello world' });
    for (const run of [
      () => coll.createIndex({ body: 'text' }, { default_language: 'french' }),
      () => coll.createIndex({ loc: '2dsphere' }),
      () => coll.find({}, { projection: { score: { $meta: 'searchScore' } } }).toArray(),
      () => coll.find({}, { sort: { r: { $meta: 'randVal' } } }).toArray(),
      () => coll.find({}, { min: { body: 'a' } } as never).toArray(),
      () => coll.find({}, { returnKey: true }).toArray(),
    ]) {
      const err = await rejectionOf(run());
      expect(err.code).to.equal(238);
    }
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
  });
});
