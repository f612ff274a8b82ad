import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, type Document } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo } from '../../src/start.js';

const EN2 = { locale: 'en', strength: 2 };

async function withServer<T>(
  dir: string,
  compactAfterBytes: number | undefined,
  run: (client: MongoClient) => Promise<T>
): Promise<T> {
  const server = await startEmbeddedMongo({
    dataDir: dir,
    logger: testLogger(),
    compactAfterBytes,
  });
  const client = await MongoClient.connect(server.uri);
  try {
    return await run(client);
  } finally {
    await client.close();
    await server.stop();
  }
}

function ixscanName(plan: Document | undefined): string | undefined {
  if (!plan) return undefined;
  if (plan.stage === 'IXSCAN') return plan.indexName as string;
  return ixscanName(plan.inputStage as Document);
}

describe('collations survive a restart', function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  for (const [label, compactAfterBytes] of [
    ['from the journal', undefined],
    ['from a snapshot', 1],
  ] as const) {
    it(`keeps collection and index collations ${label}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collation-restart-'));
      dirs.push(dir);
      await withServer(dir, compactAfterBytes, async (client) => {
        const db = client.db('app');
        await db.createCollection('partners', { collation: { locale: 'ru', strength: 2 } });
        const coll = db.collection('partners');
        await coll.createIndex({ name: 1 }, { unique: true });
        await coll.createIndex({ city: 1 }, { collation: EN2, name: 'city_ci' });
        await coll.insertMany([
          { name: 'Ромашка', city: 'Oslo' },
          { name: 'Contoso', city: 'OSLO' },
        ]);
      });
      if (compactAfterBytes !== undefined)
        expect(fs.readdirSync(dir).some((f) => f.startsWith('snapshot.'))).to.equal(true);
      await withServer(dir, undefined, async (client) => {
        const db = client.db('app');
        const coll = db.collection('partners');
        const [info] = await db.listCollections({ name: 'partners' }).toArray();
        expect(((info as Document).options as Document).collation).to.include({
          locale: 'ru',
          strength: 2,
        });
        const indexes = await coll.listIndexes().toArray();
        const byName = Object.fromEntries(indexes.map((i) => [i.name, i]));
        expect(byName.name_1.collation).to.include({ locale: 'ru', strength: 2 });
        expect(byName.city_ci.collation).to.include({ locale: 'en', strength: 2 });
        // The default collation still applies, and the unique index still equates cases.
        expect(await coll.countDocuments({ name: 'РОМАШКА' })).to.equal(1);
        const dup = await coll.insertOne({ name: 'CONTOSO' }).catch((e: { code?: number }) => e);
        expect((dup as { code?: number }).code).to.equal(11000);
        const plan = await coll.find({ city: 'oslo' }).collation(EN2).explain();
        expect(ixscanName((plan.queryPlanner as Document).winningPlan as Document)).to.equal(
          'city_ci'
        );
        expect(await coll.find({ city: 'oslo' }).collation(EN2).toArray()).to.have.length(2);
      });
    });
  }
});
