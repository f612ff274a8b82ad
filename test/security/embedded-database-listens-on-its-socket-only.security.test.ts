import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { runIndex, runScript, type Running } from '../e2e/server/run-index.js';
import { canListListeners, tcpListeners } from '../helpers/listening-ports.js';

/** An address of this machine other than loopback, where a LAN neighbour would connect. */
const external = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Pings through `uri` and reads a collection: the database answers there. */
async function answers(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    expect((await client.db('admin').command({ ping: 1 })).ok).to.equal(1);
    await client.db('partner-connect').collection('partners').countDocuments();
  } finally {
    await client.close();
  }
}

/** `npm run db -- <args>` (scripts/db.ts) as a child process, its DATA_DIR `dataDir`. */
function runDb(cwd: string, dataDir: string, args: string[]): Running {
  return runScript('scripts/db.ts', args, cwd, { DATA_DIR: dataDir, LOG_LEVEL: 'info' });
}

describe('rule: the embedded database takes connections on its owner-only socket, TCP only when asked', function () {
  this.timeout(120_000);
  let dir: string;
  let running: Running | undefined;
  beforeEach(function () {
    if (!canListListeners) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-embedded-tcp-'));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    running = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('npm start without MONGODB_URI: its processes listen on the HTTP port alone, the bot on the socket', async () => {
    const dataDir = path.join(dir, 'data');
    running = runIndex(dir, {
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      MicrosoftAppId: '',
    });
    const listening = await running.waitForLine((l) => l.msg === 'listening');
    const embedded = await running.waitForLine((l) =>
      /embedded MongoDB-compatible server listening/.test(l.msg ?? '')
    );
    // What it used to offer: `mongodb://127.0.0.1:<port>`, reachable by every local user.
    const tcp = /^mongodb:\/\/127\.0\.0\.1:(\d+)\//.exec(String(embedded.uri));
    if (tcp)
      expect(await reachable('127.0.0.1', Number(tcp[1])), 'the old TCP port').to.equal(false);
    // The supervisor holds the HTTP port for its bot processes (node:cluster); the database's
    // process and the bot processes listen on no TCP port of their own.
    expect(tcpListeners(running.child.pid!)).to.deep.equal([
      { address: '127.0.0.1', port: listening.port },
    ]);
    expect(embedded.proc, 'the database has a process of its own').to.equal('db');
    for (const pid of [embedded.pid, listening.pid])
      expect(tcpListeners(pid), pid).to.deep.equal([]);

    const socket = path.join(dataDir, 'db', 'mongod.sock');
    expect(fs.statSync(socket).mode & 0o777, 'owner-only socket').to.equal(0o600);
    await answers(`mongodb://${encodeURIComponent(socket)}/?directConnection=true`);
    expect((await fetch(`http://127.0.0.1:${listening.port}/healthz`)).status).to.equal(200);
  });

  it('npm run db: on the socket alone without --port', async () => {
    running = runDb(dir, path.join(dir, 'data'), []);
    const ready = await running.waitForLine((l) => /^connect with/.test(l.msg ?? ''));
    expect(tcpListeners(running.child.pid!)).to.deep.equal([]);
    expect(ready.uri).to.equal(ready.localUri);
    await answers(ready.localUri);
  });

  it('npm run db -- --port: TCP as well, on 127.0.0.1 only', async () => {
    running = runDb(dir, path.join(dir, 'data'), ['--port', '0']);
    const ready = await running.waitForLine((l) => /^connect with/.test(l.msg ?? ''));
    const listeners = tcpListeners(running.child.pid!);
    expect(listeners.map((l) => l.address)).to.deep.equal(['127.0.0.1']);
    const port = listeners[0]!.port;
    expect(ready.uri).to.equal(`mongodb://127.0.0.1:${port}/?directConnection=true`);
    await answers(ready.uri);
    await answers(ready.localUri);
    if (external) expect(await reachable(external, port), `refused on ${external}`).to.equal(false);
  });
});
