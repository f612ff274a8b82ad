import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo } from '../../src/start.js';

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

describe('text indexes survive a restart', function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  for (const [label, compactAfterBytes] of [
    ['from the journal', undefined],
    ['from a snapshot', 1],
  ] as const) {
    it(`rebuilds the text index and its scores ${label}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'text-restart-'));
      dirs.push(dir);
      const search = (client: MongoClient) =>
        client
          .db('app')
          .collection('partners')
          .find(
            { $text: { $search: 'облачный cloud' } },
            { projection: { _id: 0, name: 1, score: { $meta: 'textScore' } }, sort: { name: 1 } }
          )
          .toArray();
      const before = await withServer(dir, compactAfterBytes, async (client) => {
        const coll = client.db('app').collection('partners');
        await coll.createIndex(
          { name: 'text', about: 'text' },
          { weights: { name: 3 }, default_language: 'russian', name: 'partner_search' }
        );
        await coll.insertMany([
          { name: 'Облачные решения', about: 'Поставщик' },
          { name: 'Contoso', about: 'cloud partner', language: 'english' },
          { name: 'Northwind', about: 'hardware', language: 'english' },
        ]);
        return search(client);
      });
      expect(before.map((d) => d.name)).to.deep.equal(['Contoso', 'Облачные решения']);
      const after = await withServer(dir, undefined, async (client) => {
        const [ix] = (await client.db('app').collection('partners').listIndexes().toArray()).filter(
          (i) => i.name === 'partner_search'
        );
        expect(ix.weights).to.deep.equal({ about: 1, name: 3 });
        expect(ix.default_language).to.equal('russian');
        return search(client);
      });
      expect(after).to.deep.equal(before);
    });
  }
});
