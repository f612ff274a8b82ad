import { expect } from 'chai';
import type { Document } from 'mongodb';
import { MongoClient } from 'mongodb';
import { describeCompat } from './compat-harness.js';

describeCompat('single-document atomicity', (target) => {
  it('lets exactly one of 100 concurrent conditional updates succeed', async () => {
    const coll = target().db.collection('race');
    await coll.insertOne({ _id: 'job', state: 'pending' } as Document);
    // A second pool too, so the updates arrive over many connections at once.
    const other = await MongoClient.connect(target().uri, { maxPoolSize: 50 });
    try {
      const collB = other.db(target().dbName).collection('race');
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? coll : collB).updateOne({ _id: 'job', state: 'pending' } as Document, {
            $set: { state: 'active', winner: i },
          })
        )
      );
      expect(results.filter((r) => r.modifiedCount === 1)).to.have.length(1);
      expect(results.reduce((n, r) => n + r.matchedCount, 0)).to.equal(1);
    } finally {
      await other.close();
    }
    expect((await coll.findOne({ _id: 'job' } as Document))?.state).to.equal('active');
  });

  it('applies 100 concurrent $inc operations without losing one', async () => {
    const coll = target().db.collection('counter');
    await coll.insertOne({ _id: 'c', n: 0 } as Document);
    await Promise.all(
      Array.from({ length: 100 }, () =>
        coll.updateOne({ _id: 'c' } as Document, { $inc: { n: 1 } })
      )
    );
    expect((await coll.findOne({ _id: 'c' } as Document))?.n).to.equal(100);
  });
});
