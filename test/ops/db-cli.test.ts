import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import { createLogger } from '../../logging/logger.js';
import { tempDir } from './helpers.js';

function runDb(
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/db.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, err })));
}

describe('npm run db -- dump|restore|copy (the command line)', function () {
  this.timeout(180_000);

  it("dumps the running bot's embedded database through its socket, the bot still running", async () => {
    const dataDir = tempDir('ops-cli-');
    // As the bot starts it: DATA_DIR/db, with its Unix socket there; the folder's lock is held.
    const bot = await startEmbeddedMongo({
      dataDir: path.join(dataDir, 'db'),
      logger: createLogger('silent'),
    });
    const client = await MongoClient.connect(bot.localUri ?? bot.uri);
    try {
      await client.db('partner-connect').collection('partners').insertOne({ name: 'Contoso' });
      const out = path.join(dataDir, 'backup');
      const env = { ...process.env, DATA_DIR: dataDir, MONGODB_URI: '' };
      const res = await runDb(['dump', '--out', out], env);
      expect(res.code, res.err).to.equal(0);
      expect(res.err).to.include("the running bot's embedded database");
      expect(fs.readdirSync(path.join(out, 'partner-connect')).sort()).to.deep.equal([
        'partners.bson',
        'partners.metadata.json',
      ]);
      // The bot kept serving.
      expect(await client.db('partner-connect').collection('partners').countDocuments()).to.equal(
        1
      );

      const archive = await runDb(['dump', '--archive', 'x.archive'], env);
      expect(archive.code).to.equal(2);
      expect(archive.err).to.match(/--archive is not supported/);
      // Restore into another server by --uri, then copy the running bot's database to it.
      const other = await startEmbeddedMongo({
        dataDir: path.join(dataDir, 'other'),
        logger: createLogger('silent'),
      });
      try {
        const restored = await runDb(['restore', out, '--uri', other.uri], env);
        expect(restored.code, restored.err).to.equal(0);
        const again = await runDb(['restore', out, '--uri', other.uri], env);
        expect(again.code).to.equal(2);
        expect(again.err).to.match(/already holds partner-connect\.partners: pass --drop/);
        const file = await runDb(
          ['restore', path.join(out, 'partner-connect', 'partners.bson'), '--uri', other.uri],
          env
        );
        expect(file.code).to.equal(2);
        expect(file.err).to.match(/archives \(--archive\) are not supported/);
        const to = other.uri.replace('/?', '/moved?');
        const checkpoint = path.join(dataDir, 'cp.json');
        const copied = await runDb(['copy', '--to', to, '--checkpoint', checkpoint], env);
        expect(copied.code, copied.err).to.equal(0);
        expect(copied.err).to.match(/warning: the bot is running/);
        expect(copied.err).to.match(/partners: 1\/1 \[#+\] 100%/);
        const check = await MongoClient.connect(to);
        expect(await check.db().collection('partners').countDocuments()).to.equal(1);
        await check.close();
        const refused = await runDb(['copy', '--to', to, '--checkpoint', checkpoint], env);
        expect(refused.code).to.equal(2);
        expect(refused.err).to.match(/not empty/);
      } finally {
        await other.stop();
      }
      const noDb = await runDb(['copy', '--to', 'mongodb://127.0.0.1:1/'], env);
      expect(noDb.code).to.equal(2);
      expect(noDb.err).to.match(/names no database/);
    } finally {
      await client.close();
      await bot.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('embeddedSocketPath', () => {
  it('finds the socket the embedded server listens on, in the folder or, for long paths, in the temp folder', async () => {
    const { embeddedSocketPath } = await import('../../ops/source.js');
    const base = tempDir('ops-sock-');
    try {
      for (const dir of [path.join(base, 'db'), path.join(base, 'x'.repeat(120))]) {
        const server = await startEmbeddedMongo({ dataDir: dir, logger: createLogger('silent') });
        try {
          expect(decodeURIComponent(new URL(server.localUri!).host)).to.equal(
            embeddedSocketPath(dir)
          );
        } finally {
          await server.stop();
        }
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
