import { expect } from 'chai';
import type { Document } from 'mongodb';
import { describeCompat } from './compat-harness.js';

describeCompat('update operators', (target) => {
  let seq = 0;
  /** Inserts `doc`, applies `update` (with options), returns the stored result without _id. */
  async function after(
    doc: Document,
    update: Document | Document[],
    options: Document = {}
  ): Promise<Document> {
    const coll = target().db.collection('ops');
    const _id = `d${++seq}`;
    await coll.insertOne({ _id, ...doc } as Document);
    await coll.updateOne({ _id } as Document, update, options);
    const { _id: _ignored, ...rest } = (await coll.findOne({ _id } as Document))!;
    return rest;
  }

  it('$set, $unset, $inc, $mul on nested paths', async () => {
    expect(
      await after(
        { a: { b: 1 }, c: 2, d: 3 },
        { $set: { 'a.b': 5, 'x.y': 1 }, $unset: { c: '' }, $inc: { d: 2 } }
      )
    ).to.deep.equal({
      a: { b: 5 },
      d: 5,
      x: { y: 1 },
    });
    expect(await after({ p: 3 }, { $mul: { p: 4, q: 2 } })).to.deep.equal({ p: 12, q: 0 });
  });

  it('$min, $max, $rename, $currentDate', async () => {
    expect(await after({ lo: 5, hi: 5 }, { $min: { lo: 3 }, $max: { hi: 9 } })).to.deep.equal({
      lo: 3,
      hi: 9,
    });
    expect(await after({ lo: 5, hi: 5 }, { $min: { lo: 8 }, $max: { hi: 1 } })).to.deep.equal({
      lo: 5,
      hi: 5,
    });
    expect(await after({ old: 1, keep: 2 }, { $rename: { old: 'fresh' } })).to.deep.equal({
      keep: 2,
      fresh: 1,
    });
    const t0 = Date.now() - 1000;
    const doc = await after({}, { $currentDate: { at: true } });
    expect(doc.at).to.be.instanceOf(Date);
    expect((doc.at as Date).getTime()).to.be.greaterThan(t0);
  });

  it('$push with $each, $slice, $sort and $position', async () => {
    expect(await after({ xs: [1, 2] }, { $push: { xs: 3 } })).to.deep.equal({ xs: [1, 2, 3] });
    expect(await after({}, { $push: { xs: { $each: [3, 1, 2], $sort: 1 } } })).to.deep.equal({
      xs: [1, 2, 3],
    });
    expect(
      await after({ xs: [1, 2] }, { $push: { xs: { $each: [9, 8], $position: 0 } } })
    ).to.deep.equal({ xs: [9, 8, 1, 2] });
    expect(
      await after({ xs: [5, 1] }, { $push: { xs: { $each: [7, 3], $sort: -1, $slice: 3 } } })
    ).to.deep.equal({ xs: [7, 5, 3] });
    expect(
      await after({ xs: [1, 2, 3] }, { $push: { xs: { $each: [4], $slice: -2 } } })
    ).to.deep.equal({ xs: [3, 4] });
    expect(
      await after(
        { s: [{ n: 2 }, { n: 9 }] },
        { $push: { s: { $each: [{ n: 5 }], $sort: { n: 1 } } } }
      )
    ).to.deep.equal({ s: [{ n: 2 }, { n: 5 }, { n: 9 }] });
  });

  it('$addToSet with and without $each', async () => {
    expect(await after({ s: ['a'] }, { $addToSet: { s: 'a' } })).to.deep.equal({ s: ['a'] });
    expect(
      await after({ s: ['a'] }, { $addToSet: { s: { $each: ['a', 'b', 'b', 'c'] } } })
    ).to.deep.equal({ s: ['a', 'b', 'c'] });
  });

  it('$pull, $pullAll and $pop', async () => {
    expect(await after({ xs: [1, 5, 8, 2] }, { $pull: { xs: { $gte: 5 } } })).to.deep.equal({
      xs: [1, 2],
    });
    expect(await after({ xs: [{ k: 1 }, { k: 2 }] }, { $pull: { xs: { k: 2 } } })).to.deep.equal({
      xs: [{ k: 1 }],
    });
    expect(await after({ xs: [1, 2, 1, 3] }, { $pullAll: { xs: [1, 3] } })).to.deep.equal({
      xs: [2],
    });
    expect(await after({ xs: [1, 2, 3] }, { $pop: { xs: 1 } })).to.deep.equal({ xs: [1, 2] });
    expect(await after({ xs: [1, 2, 3] }, { $pop: { xs: -1 } })).to.deep.equal({ xs: [2, 3] });
  });

  it('positional $, all-positional $[] and filtered $[elem] with arrayFilters', async () => {
    const coll = target().db.collection('positional');
    await coll.insertOne({ _id: 'p1', grades: [80, 90, 95] } as Document);
    await coll.updateOne({ _id: 'p1', grades: 90 } as Document, { $set: { 'grades.$': 91 } });
    expect((await coll.findOne({ _id: 'p1' } as Document))?.grades).to.deep.equal([80, 91, 95]);
    expect(
      await after({ items: [{ q: 1 }, { q: 2 }] }, { $inc: { 'items.$[].q': 10 } })
    ).to.deep.equal({ items: [{ q: 11 }, { q: 12 }] });
    expect(
      await after(
        { xs: [1, 50, 100] },
        { $set: { 'xs.$[big]': 0 } },
        { arrayFilters: [{ big: { $gte: 50 } }] }
      )
    ).to.deep.equal({ xs: [1, 0, 0] });
    expect(
      await after(
        {
          rows: [
            { t: 'a', v: 1 },
            { t: 'b', v: 1 },
          ],
        },
        { $set: { 'rows.$[r].v': 2 } },
        { arrayFilters: [{ 'r.t': 'b' }] }
      )
    ).to.deep.equal({
      rows: [
        { t: 'a', v: 1 },
        { t: 'b', v: 2 },
      ],
    });
  });

  it('pipeline-style updates', async () => {
    expect(
      await after({ a: 2, b: 3 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }])
    ).to.deep.equal({ a: 2, sum: 5 });
  });
});
