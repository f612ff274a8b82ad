import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';

/** Starts `npm run db`'s script and resolves with the URI it logs. */
function startCli(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; uri: string }> {
  const args = ['--import', 'tsx', 'scripts/db.ts', '--port', '0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"uri":"(mongodb:\/\/[^"]+)"/.exec(out);
      if (m) resolve({ child, uri: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`cli exited early (${code}): ${out}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('npm run db', function () {
  this.timeout(90_000);

  it('without --dbpath opens the folder the bot uses, DATA_DIR/db', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-cli-env-'));
    try {
      const { child, uri } = await startCli({ ...process.env, DATA_DIR: dataDir });
      const client = await MongoClient.connect(uri);
      await client.db('cli').collection('c').insertOne({ where: 'bot folder' });
      await client.close();
      const exited = exitOf(child);
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      const files = fs.readdirSync(path.join(dataDir, 'db'));
      expect(files.some((f) => f.startsWith('journal.'))).to.equal(true);
      expect(fs.readdirSync(dataDir)).to.deep.equal(['db']);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
