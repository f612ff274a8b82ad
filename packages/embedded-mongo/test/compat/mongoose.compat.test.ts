import { expect } from 'chai';
import mongoose from 'mongoose';
import { describeCompat } from './compat-harness.js';

const teamSchema = new mongoose.Schema({
  name: { type: String, required: true },
  tenantId: String,
});
const memberSchema = new mongoose.Schema(
  {
    email: { type: String, required: true, unique: true },
    team: { type: mongoose.Schema.Types.ObjectId, ref: 'Team' },
    state: { type: String, default: 'pending' },
    visits: { type: Number, default: 0 },
  },
  { timestamps: true }
);

function models(conn: mongoose.Connection) {
  return { Team: conn.model('Team', teamSchema), Member: conn.model('Member', memberSchema) };
}

describeCompat('mongoose', (target) => {
  let conn: mongoose.Connection;
  let Team: ReturnType<typeof models>['Team'];
  let Member: ReturnType<typeof models>['Member'];

  before(async () => {
    conn = await mongoose.createConnection(target().uri, { dbName: target().dbName }).asPromise();
    ({ Team, Member } = models(conn));
    await Member.syncIndexes();
  });

  after(async () => {
    await conn?.close();
  });

  it('syncs the unique index and reports duplicates as code 11000', async () => {
    const names = (await Member.listIndexes()).map((i) => i.name);
    expect(names).to.include('email_1');
    await Member.create({ email: 'dup@x.test' });
    const err = (await Member.create({ email: 'dup@x.test' }).catch((e: unknown) => e)) as {
      code?: number;
      keyValue?: unknown;
    };
    expect(err.code).to.equal(11000);
    expect(err.keyValue).to.deep.equal({ email: 'dup@x.test' });
  });

  it('creates, finds by id, updates, counts, populates and deletes', async () => {
    const team = await Team.create({ name: 'Blue', tenantId: 't1' });
    const m = await Member.create({ email: 'm1@x.test', team: team._id });
    expect(m.createdAt).to.be.instanceOf(Date);
    const found = await Member.findById(m._id).lean();
    expect(found?.email).to.equal('m1@x.test');
    expect(found?.state).to.equal('pending');
    const upd = await Member.findOneAndUpdate(
      { _id: m._id },
      { $inc: { visits: 1 } },
      { returnDocument: 'after' }
    );
    expect(upd?.visits).to.equal(1);
    const res = await Member.updateOne(
      { _id: m._id, state: 'pending' },
      { $set: { state: 'active' } }
    );
    expect(res.modifiedCount).to.equal(1);
    const again = await Member.updateOne(
      { _id: m._id, state: 'pending' },
      { $set: { state: 'active' } }
    );
    expect(again.modifiedCount).to.equal(0);
    expect(await Member.countDocuments({ state: 'active' })).to.equal(1);
    const populated = await Member.findById(m._id).populate<{ team: { name: string } }>('team');
    expect(populated?.team.name).to.equal('Blue');
    const lean = await Member.find({ team: team._id }).lean();
    expect(lean).to.have.length(1);
    expect(lean[0]._id).to.be.instanceOf(mongoose.Types.ObjectId);
    expect((await Member.deleteOne({ _id: m._id })).deletedCount).to.equal(1);
    expect(await Member.findById(m._id)).to.equal(null);
  });

  it('drops indexes the schema no longer declares when syncing', async () => {
    const v1 = new mongoose.Schema({ code: String, kind: String });
    v1.index({ code: 1 }, { unique: true });
    const V1 = conn.model('Versioned1', v1, 'versioned');
    await V1.syncIndexes();
    const v2 = new mongoose.Schema({ code: String, kind: String });
    v2.index({ kind: 1 });
    const V2 = conn.model('Versioned2', v2, 'versioned');
    const dropped = await V2.syncIndexes();
    expect(dropped).to.deep.equal(['code_1']);
    const names = (await V2.listIndexes()).map((i) => i.name).sort();
    expect(names).to.deep.equal(['_id_', 'kind_1']);
  });

  it('streams a query through a cursor in batches', async () => {
    await Team.insertMany(
      Array.from({ length: 120 }, (_, i) => ({ name: `team${i}`, tenantId: 'bulk' }))
    );
    let seen = 0;
    for await (const team of Team.find({ tenantId: 'bulk' }).batchSize(25).cursor()) {
      expect(team.name).to.match(/^team\d+$/);
      seen += 1;
    }
    expect(seen).to.equal(120);
  });

  it('saves document changes through save()', async () => {
    const m = await Member.create({ email: 'save@x.test' });
    m.visits = 5;
    await m.save();
    expect((await Member.findOne({ email: 'save@x.test' }).lean())?.visits).to.equal(5);
  });
});
