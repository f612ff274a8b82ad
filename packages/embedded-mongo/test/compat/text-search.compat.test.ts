import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Collection, Document, Filter } from 'mongodb';

/** Documents with any `_id` (the manual's examples use numbers). */
type AnyDoc = { _id: unknown; [field: string]: unknown };
import { describeCompat, rejectionOf } from './compat-harness.js';

/** The articles of the manual's `$text` page. */
const ARTICLES = [
  { _id: 1, subject: 'coffee', author: 'xyz', views: 50 },
  { _id: 2, subject: 'Coffee Shopping', author: 'efg', views: 5 },
  { _id: 3, subject: 'Baking a cake', author: 'abc', views: 90 },
  { _id: 4, subject: 'baking', author: 'xyz', views: 100 },
  { _id: 5, subject: 'Café Con Leche', author: 'abc', views: 200 },
  { _id: 6, subject: 'Сырники', author: 'jkl', views: 80 },
  { _id: 7, subject: 'coffee and cream', author: 'efg', views: 10 },
  { _id: 8, subject: 'Cafe con Leche', author: 'xyz', views: 10 },
];

async function ids(coll: Collection<AnyDoc>, text: Document, filter: Document = {}) {
  const found = await coll.find({ ...filter, $text: text } as Filter<AnyDoc>).toArray();
  return found.map((d) => d._id as number).sort((a, b) => a - b);
}

/**
 * Text search as the MongoDB manual describes it ($text, Text Indexes, Text Search Languages,
 * Control Search Results with Weights, $meta): one text index per collection, stemmed and
 * stop-word-filtered terms, phrases, negations, case and diacritic sensitivity, text scores.
 */
describeCompat('text search', (target) => {
  let articles: Collection<AnyDoc>;

  before(async () => {
    articles = target().db.collection<AnyDoc>('articles');
    await articles.insertMany(ARTICLES);
    await articles.createIndex({ subject: 'text' });
  });

  it('lists a text index as mongod stores it', async () => {
    const ix = (await articles.listIndexes().toArray()).find((i) => i.name === 'subject_text');
    expect(ix).to.deep.include({
      key: { _fts: 'text', _ftsx: 1 },
      weights: { subject: 1 },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    });
  });

  it('finds stemmed terms, any of them, case and diacritics folded', async () => {
    expect(await ids(articles, { $search: 'coffee' })).to.deep.equal([1, 2, 7]);
    expect(await ids(articles, { $search: 'bake coffee cake' })).to.deep.equal([1, 2, 3, 4, 7]);
    expect(await ids(articles, { $search: 'CAFÉ' })).to.deep.equal([5, 8]);
    // Stop words alone find nothing.
    expect(await ids(articles, { $search: 'and a the' })).to.deep.equal([]);
    // Other conditions still apply.
    expect(await ids(articles, { $search: 'coffee' }, { views: { $gt: 5 } })).to.deep.equal([1, 7]);
    expect(await articles.countDocuments({ $text: { $search: 'coffee' } })).to.equal(3);
  });

  it('matches phrases and excludes negated terms', async () => {
    expect(await ids(articles, { $search: '"coffee shop"' })).to.deep.equal([2]);
    expect(await ids(articles, { $search: 'coffee -shop' })).to.deep.equal([1, 7]);
    expect(await ids(articles, { $search: 'coffee -"coffee shop"' })).to.deep.equal([1, 7]);
  });

  it('honours $caseSensitive and $diacriticSensitive', async () => {
    expect(await ids(articles, { $search: 'Coffee', $caseSensitive: true })).to.deep.equal([2]);
    expect(
      await ids(articles, { $search: '"Café Con Leche"', $caseSensitive: true })
    ).to.deep.equal([5]);
    expect(await ids(articles, { $search: 'Coffee -shop', $caseSensitive: true })).to.deep.equal([
      2,
    ]);
    expect(await ids(articles, { $search: 'CAFÉ', $diacriticSensitive: true })).to.deep.equal([5]);
    expect(
      await ids(articles, { $search: 'leches -cafés', $diacriticSensitive: true })
    ).to.deep.equal([8]);
  });

  it('projects and sorts by textScore in find and aggregate', async () => {
    const found = await articles
      .find(
        { $text: { $search: 'coffee' } },
        { projection: { score: { $meta: 'textScore' } }, sort: { score: { $meta: 'textScore' } } }
      )
      .toArray();
    // One term alone scores 1; one of two terms 0.75 (mongod's formula).
    expect(found.map((d) => d.score)).to.deep.equal([1, 0.75, 0.75]);
    expect(found[0]._id).to.equal(1);
    expect(found[0]).to.have.keys('_id', 'subject', 'author', 'views', 'score');
    const agg = await articles
      .aggregate([
        { $match: { $text: { $search: 'coffee cake' } } },
        { $sort: { score: { $meta: 'textScore' }, _id: 1 } },
        { $project: { _id: 1, score: { $meta: 'textScore' } } },
      ])
      .toArray();
    expect(agg.map((d) => d._id)).to.deep.equal([1, 2, 3, 7]);
    expect(agg[0].score).to.equal(1);
    const added = await articles
      .aggregate([
        { $match: { $text: { $search: 'baking' } } },
        { $addFields: { score: { $meta: 'textScore' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    const total = await articles
      .aggregate([
        { $match: { $text: { $search: 'coffee' } } },
        { $group: { _id: null, total: { $sum: { $meta: 'textScore' } } } },
      ])
      .toArray();
    expect(total[0].total).to.equal(2.5);
    expect(added.map((d) => [d._id, d.score])).to.deep.equal([
      [3, 0.75],
      [4, 1],
    ]);
  });

  it('weights fields and reads default_language and language_override', async () => {
    const posts = target().db.collection<AnyDoc>('posts');
    await posts.insertMany([
      { _id: 1, title: 'Contoso cloud', body: 'An indirect provider' },
      { _id: 2, title: 'Fabrikam', body: 'A cloud reseller' },
      { _id: 3, title: 'Облачный партнёр', body: 'Поставщик', language: 'russian' },
    ]);
    await posts.createIndex(
      { title: 'text', body: 'text' },
      { weights: { title: 10 }, name: 'posts_text' }
    );
    const ix = (await posts.listIndexes().toArray()).find((i) => i.name === 'posts_text');
    expect(ix?.weights).to.deep.equal({ body: 1, title: 10 });
    const ranked = await posts
      .find({ $text: { $search: 'clouds' } }, { sort: { score: { $meta: 'textScore' } } })
      .toArray();
    expect(ranked.map((d) => d._id)).to.deep.equal([1, 2]);
    // The Russian document is stemmed in Russian: 'облачные' and 'партнер' find it.
    expect(await ids(posts, { $search: 'облачные', $language: 'russian' })).to.deep.equal([3]);
    expect(await ids(posts, { $search: 'партнер', $language: 'ru' })).to.deep.equal([3]);

    const ru = target().db.collection<AnyDoc>('ru_partners');
    await ru.insertMany([
      { _id: 1, name: 'Облачные решения' },
      { _id: 2, name: 'Новый облачный поставщик' },
      { _id: 3, name: 'Solutions', lang: 'english' },
    ]);
    await ru.createIndex(
      { name: 'text' },
      { default_language: 'russian', language_override: 'lang' }
    );
    expect(await ids(ru, { $search: 'облачная' })).to.deep.equal([1, 2]);
    expect(await ids(ru, { $search: 'solution', $language: 'english' })).to.deep.equal([3]);
    // Russian stop words are not searched for.
    expect(await ids(ru, { $search: 'и в на' })).to.deep.equal([]);
  });

  it('allows one text index per collection and needs one for $text', async () => {
    const err = await rejectionOf(articles.createIndex({ author: 'text' }));
    expect(err.code).to.equal(85);
    const plain = target().db.collection('no_text');
    await plain.insertOne({ a: 'coffee' });
    expect(
      (await rejectionOf(plain.find({ $text: { $search: 'coffee' } }).toArray())).code
    ).to.equal(27);
  });

  it('needs equality on a compound text index prefix', async () => {
    const scoped = target().db.collection('scoped');
    await scoped.insertMany([
      { tenant: 't1', name: 'Contoso cloud' },
      { tenant: 't2', name: 'Contoso cloud' },
    ]);
    await scoped.createIndex({ tenant: 1, name: 'text' });
    expect(await scoped.countDocuments({ tenant: 't1', $text: { $search: 'cloud' } })).to.equal(1);
    const err = await rejectionOf(scoped.find({ $text: { $search: 'cloud' } }).toArray());
    expect(err.code).to.equal(291);
  });

  it('updates and deletes through $text, and keeps the index current', async () => {
    const notes = target().db.collection<AnyDoc>('notes');
    await notes.insertMany([
      { _id: 1, body: 'renew the agreement' },
      { _id: 2, body: 'call the reseller' },
    ]);
    await notes.createIndex({ body: 'text' });
    const upd = await notes.updateMany(
      { $text: { $search: 'agreements' } },
      { $set: { body: 'agreement renewed, call back' } }
    );
    expect(upd.modifiedCount).to.equal(1);
    expect(await ids(notes, { $search: 'calling' })).to.deep.equal([1, 2]);
    expect(await ids(notes, { $search: 'renew' })).to.deep.equal([1]);
    const del = await notes.deleteMany({ $text: { $search: 'reseller' } });
    expect(del.deletedCount).to.equal(1);
    expect(await ids(notes, { $search: 'call' })).to.deep.equal([1]);
  });

  it('refuses malformed $text and textScore without $text with mongod errors', async () => {
    const codeOf = async (p: Promise<unknown>) => (await rejectionOf(p)).code;
    expect(await codeOf(articles.find({ $text: {} } as never).toArray())).to.equal(4);
    expect(await codeOf(articles.find({ $text: { $search: 1 } } as never).toArray())).to.equal(14);
    expect(
      await codeOf(articles.find({ $text: { $search: 'a', $x: 1 } } as never).toArray())
    ).to.equal(2);
    expect(
      await codeOf(articles.find({ $text: { $search: 'a', $caseSensitive: 1 } } as never).toArray())
    ).to.equal(14);
    expect(
      await codeOf(articles.find({ $text: { $search: 'a', $language: 'klingon' } }).toArray())
    ).to.equal(2);
    expect(
      await codeOf(
        articles
          .find({ $and: [{ $text: { $search: 'a' } }, { $text: { $search: 'b' } }] })
          .toArray()
      )
    ).to.equal(2);
    expect(await codeOf(articles.find({ $nor: [{ $text: { $search: 'a' } }] }).toArray())).to.equal(
      2
    );
    expect(
      await codeOf(articles.find({}, { projection: { score: { $meta: 'textScore' } } }).toArray())
    ).to.equal(40218);
    expect(
      await codeOf(
        articles.aggregate([{ $match: {} }, { $match: { $text: { $search: 'a' } } }]).toArray()
      )
    ).to.equal(17313);
    const langs = target().db.collection('langs');
    expect(
      await codeOf(langs.createIndex({ t: 'text' }, { default_language: 'klingon' }))
    ).to.equal(67);
    // Text indexes compare binary: a collection default collation must be overridden.
    const collated = await target().db.createCollection('collated_texts', {
      collation: { locale: 'en', strength: 2 },
    });
    expect(await codeOf(collated.createIndex({ t: 'text' }))).to.equal(67);
    await collated.createIndex({ t: 'text' }, { collation: { locale: 'simple' } });
    await langs.createIndex({ t: 'text' });
    expect(await codeOf(langs.insertOne({ t: 'x', language: 'klingon' }))).to.equal(17262);
    expect(await codeOf(langs.insertOne({ t: 'x', language: 5 }))).to.equal(17261);
    expect(await langs.countDocuments()).to.equal(0);
  });

  it('refuses the languages it does not stem with 238 (embedded server)', async function () {
    if (!target().embedded) {
      if (this.test) this.test.title += ' (skipped: mongod stems these languages)';
      this.skip();
    }
    const langs = target().db.collection('langs_fr');
    expect(
      (await rejectionOf(langs.createIndex({ t: 'text' }, { default_language: 'french' }))).code
    ).to.equal(238);
    await langs.createIndex({ t: 'text' });
    expect((await rejectionOf(langs.insertOne({ t: 'x', language: 'de' }))).code).to.equal(238);
    expect(
      (await rejectionOf(langs.find({ $text: { $search: 'x', $language: 'es' } }).toArray())).code
    ).to.equal(238);
  });

  it('searches through mongoose with a schema text index', async () => {
    const conn = await mongoose
      .createConnection(target().uri, { dbName: target().dbName })
      .asPromise();
    try {
      const schema = new mongoose.Schema({ name: String, about: String });
      schema.index({ name: 'text', about: 'text' }, { weights: { name: 5 } });
      const Provider = conn.model('Provider', schema);
      await Provider.syncIndexes();
      await Provider.create([
        { name: 'Contoso Cloud', about: 'indirect provider' },
        { name: 'Fabrikam', about: 'cloud services reseller' },
        { name: 'Northwind', about: 'hardware' },
      ]);
      const found = await Provider.find(
        { $text: { $search: 'cloud' } },
        { score: { $meta: 'textScore' } }
      )
        .sort({ score: { $meta: 'textScore' } })
        .lean();
      expect(found.map((p) => p.name)).to.deep.equal(['Contoso Cloud', 'Fabrikam']);
      expect((found[0] as { score?: number }).score).to.be.greaterThan(
        (found[1] as { score?: number }).score ?? Infinity
      );
    } finally {
      await conn.close();
    }
  });
});
