import { expect } from 'chai';
import { describeCompat, rejectionOf, standaloneOnly } from './compat-harness.js';

describeCompat('standalone limits', (target) => {
  it('refuses transactions like a standalone mongod (20 IllegalOperation)', async function () {
    standaloneOnly(this, target());
    const { client, db } = target();
    const coll = db.collection('txn');
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await rejectionOf(coll.insertOne({ a: 1 }, { session }));
      // The driver wraps mongod's refusal in its own retryable-writes message.
      const original = (err.originalError ?? err) as { code?: number; message: string };
      expect(original.code).to.equal(20);
      expect(original.message).to.equal(
        'Transaction numbers are only allowed on a replica set member or mongos'
      );
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments()).to.equal(0);
  });

  it('refuses change streams like a standalone mongod (40573)', async function () {
    standaloneOnly(this, target());
    const stream = target().db.collection('watched').watch();
    try {
      const err = await rejectionOf(stream.tryNext());
      expect(err.code).to.equal(40573);
    } finally {
      await stream.close();
    }
  });

  it('answers ping, buildInfo and serverStatus', async () => {
    const admin = target().client.db('admin');
    expect((await admin.command({ ping: 1 })).ok).to.equal(1);
    const info = await admin.command({ buildInfo: 1 });
    expect(info.version).to.match(/^\d+\.\d+/);
    expect(Array.isArray(info.versionArray)).to.equal(true);
    const status = await admin.command({ serverStatus: 1 });
    expect(status.ok).to.equal(1);
    expect(status.connections.current).to.be.greaterThan(0);
    const stats = await target().db.command({ dbStats: 1 });
    expect(stats.db).to.equal(target().dbName);
  });
});
