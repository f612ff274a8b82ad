import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

/** Starts `src/bin.ts` and resolves with the URI it logs. */
function startCli(
  dbpath: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): Promise<{ child: ChildProcess; uri: string }> {
  const args = ['--import', 'tsx', BIN, '--port', '0'];
  if (dbpath !== undefined) args.push('--dbpath', dbpath);
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

describe('embedded server CLI', function () {
  this.timeout(90_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs its URI, serves clients, and stops cleanly on SIGTERM keeping the data', async () => {
    const first = await startCli(dir);
    const client = await MongoClient.connect(first.uri);
    await client.db('cli').collection('c').insertOne({ hello: 'world' });
    await client.close();
    const exited = exitOf(first.child);
    first.child.kill('SIGTERM');
    expect(await exited).to.equal(0);

    // The lock was released, so a second run opens the same folder and sees the data.
    const second = await startCli(dir);
    const again = await MongoClient.connect(second.uri);
    expect((await again.db('cli').collection('c').findOne({}))?.hello).to.equal('world');
    await again.close();
    const exited2 = exitOf(second.child);
    second.child.kill('SIGINT');
    expect(await exited2).to.equal(0);
  });
});
