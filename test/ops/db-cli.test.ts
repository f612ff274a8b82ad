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
  this.timeout(60_000);

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
