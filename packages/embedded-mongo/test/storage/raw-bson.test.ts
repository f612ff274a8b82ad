import { expect } from 'chai';
import { BSON, Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { encodeDoc, encodePut } from '../../src/storage/bson-codec.js';
import { rawIdKey } from '../../src/storage/bson-raw.js';
import { idKey } from '../../src/storage/id-key.js';
import { withDbPointer } from '../helpers/bson-db-pointer.js';
import { byNs, openStore, removeDirs, tempDir } from './storage-helpers.js';

const ids: unknown[] = [
  new ObjectId(),
  'plain string',
  'ünïcødé ✓',
  '',
  7,
  -0,
  2.5,
  new Int32(7),
  new Double(7),
  Long.fromString('9007199254740993'),
  Decimal128.fromString('7'),
  Decimal128.fromString('0.1'),
  new Date(0),
  true,
  null,
  { a: 1, b: [1, 2] },
  new Binary(Buffer.from('bin')),
  new Timestamp({ t: 1, i: 1 }),
  /re/i,
];

describe('DataStore: documents kept as BSON', () => {
  afterEach(removeDirs);

  it("reads the same _id key from a document's bytes as from its decoded _id", () => {
    for (const id of ids) {
      const bytes = encodeDoc({ before: 1, _id: id, after: 'x' });
      expect(rawIdKey(bytes), String(id)).to.equal(idKey(id));
    }
  });

  it('finds the _id past a DBPointer, which old data may hold though no driver writes it', () => {
    const id = new ObjectId();
    const bytes = withDbPointer('ptr', 'db.other', '65a000000000000000000003', { _id: id });
    expect(rawIdKey(bytes)).to.equal(idKey(id));
  });

  it('builds a put record around existing BSON byte for byte', () => {
    const doc = { _id: new ObjectId(), name: 'Contoso', nested: { n: 1 } };
    for (const ns of ['db.c', 'données.collection-ü']) {
      expect(encodePut(ns, encodeDoc(doc))).to.deep.equal(encodeDoc({ op: 'put', ns, doc }));
    }
  });

  it("journals a put from the engine's BSON and hands documents back as BSON", async () => {
    const dir = tempDir();
    const doc = { _id: 'a', long: Long.fromNumber(5), when: new Date(1) };
    let store = await openStore(dir);
    await store.commit([{ op: 'put', ns: 'db.c', doc, bson: encodeDoc(doc) }]);
    await store.close();

    store = await openStore(dir);
    const [coll] = store.takeRecoveredBson();
    await store.close();
    expect(coll.docs).to.have.length(1);
    expect(Buffer.from(coll.docs[0])).to.deep.equal(encodeDoc(doc));
    // Each document has its own small buffer, not a view pinning a large read buffer.
    expect(coll.docs[0].buffer.byteLength).to.be.below(64 * 1024);
  });

  it('writes snapshot documents given as BSON by the snapshot source', async () => {
    const dir = tempDir();
    const docs = [
      { _id: 1, x: 'one' },
      { _id: 2, x: new Double(2) },
    ];
    let store = await openStore(dir);
    store.setSnapshotSource(() => [
      { ns: 'db.c', options: {}, indexes: [], docs: [encodeDoc(docs[0]), docs[1]] },
    ]);
    await store.compact();
    await store.close();

    store = await openStore(dir);
    const state = store.takeRecovered();
    await store.close();
    expect(byNs(state)).to.deep.equal({ 'db.c': { n1: docs[0], n2: docs[1] } });
    expect(BSON.serialize(state[0].docs[1])).to.deep.equal(BSON.serialize(docs[1]));
  });
});
