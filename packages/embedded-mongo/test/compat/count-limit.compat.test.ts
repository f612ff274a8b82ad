import { expect } from 'chai';
import type { Document } from 'mongodb';
import { describeCompat } from './compat-harness.js';

/**
 * A count with a limit stops at the limit, as mongod's LIMIT stage does: the documents past it
 * are never read. Observable without timing: a filter that fails on a document past the limit
 * (a division by zero) fails only a count that reads that far.
 */
describeCompat('counting with a limit', (target) => {
  const failsOnZero = { $expr: { $gt: [{ $divide: [1, '$b'] }, 0] } };
  before(async () => {
    const docs: Document[] = Array.from({ length: 10 }, (_, i) => ({ _id: i, b: 1 }));
    docs.push({ _id: 10, b: 0 });
    await target().db.collection('counted').insertMany(docs);
  });

  it('countDocuments and count stop at skip + limit', async () => {
    const coll = target().db.collection('counted');
    expect(await coll.countDocuments(failsOnZero, { limit: 5 })).to.equal(5);
    expect(await coll.countDocuments(failsOnZero, { skip: 2, limit: 5 })).to.equal(5);
    const cmd = await target().db.command({ count: 'counted', query: failsOnZero, limit: 5 });
    expect(cmd.n).to.equal(5);
  });

  it('reads on without a limit, or with one past the end', async () => {
    const coll = target().db.collection('counted');
    for (const limit of [undefined, 20]) {
      const err = await coll.countDocuments(failsOnZero, limit ? { limit } : {}).then(
        () => undefined,
        (e: unknown) => e as { code?: number; message: string }
      );
      expect(err?.message, `limit ${limit}`).to.match(/divide by zero/i);
    }
  });
});
