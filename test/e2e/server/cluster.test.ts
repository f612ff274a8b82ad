import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../../../logging/logger.js';
import { FakeConnector } from '../../helpers/fake-connector.js';
import { TeamsActivities, type TeamsPersona } from '../../helpers/teams-activity.js';
import { runIndex, type Running } from './run-index.js';

const METRICS_TOKEN = 'cluster-test-metrics-token-0123456789';

/** A distinct person per message, so that every turn has its own conversation. */
const person = (n: number): TeamsPersona => ({
  tenantId: '55555555-5555-5555-5555-555555555555',
  aadObjectId: `55555555-0000-0000-0000-${String(n).padStart(12, '0')}`,
  name: `Person ${n}`,
  email: `person${n}@customer.example`,
  locale: 'en-US',
});

/**
 * A request on a connection of its own: the supervisor hands connections out to the bot
 * processes in turn, so consecutive ones reach each in turn (fetch would reuse one).
 */
function request(
  port: number,
  method: 'GET' | 'POST',
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<number> {
  return exchange(port, method, pathname, body, headers).then((r) => r.status);
}

function exchange(
  port: number,
  method: 'GET' | 'POST',
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        agent: false,
        headers: {
          ...headers,
          ...(data
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      }
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('npm start with WEB_CONCURRENCY=2: a supervisor, the database process and two bot processes', function () {
  // Three processes load the whole app on a 2-core machine shared with other work.
  this.timeout(120_000);
  let dir: string;
  let connector: FakeConnector;
  let running: Running;
  let port: number;
  let teams: TeamsActivities;
  let next = 1;
  /** Posts a `help` from a new person on a new connection; the processes whose turn it was. */
  const helpTurns = async (count: number): Promise<string[]> => {
    const procs: string[] = [];
    for (let i = 0; i < count; i++) {
      const n = next++;
      const before = running.lines.length;
      expect(
        await request(port, 'POST', '/api/messages', teams.message(person(n), 'help'))
      ).to.equal(200);
      const turn = await running.waitForLine(
        (l) => l.msg === 'turn' && running.lines.indexOf(l) >= before
      );
      procs.push(turn.proc);
      await connector.waitForActivity(
        (a) => a.conversation?.id === teams.message(person(n), 'help').conversation?.id
      );
    }
    return procs;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-cluster-'));
    connector = await FakeConnector.start();
    teams = new TeamsActivities({ serviceUrl: connector.url });
    running = runIndex(dir, {
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(dir, 'data'),
      MicrosoftAppId: '',
      WEB_CONCURRENCY: '2',
      METRICS_TOKEN: METRICS_TOKEN,
    });
    const ready = await running.waitForLine(
      (l) => l.proc === 'primary' && l.msg === 'every bot process listens',
      100_000
    );
    port = ready.port;
  });
  after(async () => {
    if (running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    await connector.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the database in its own process and answers from both bot processes on it', async () => {
    const listening = running.lines.filter((l) => l.msg === 'listening');
    expect(listening.map((l) => l.proc).sort()).to.deep.equal(['worker-1', 'worker-2']);
    expect(listening.every((l) => l.port === port && l.embeddedDatabase === true)).to.equal(true);
    const db = running.lines.find(
      (l) => l.proc === 'db' && l.msg === 'embedded MongoDB-compatible server listening'
    );
    expect(db, 'the database process started the embedded server').to.not.equal(undefined);
    const pids = new Set([db!.pid, ...listening.map((l) => l.pid), running.child.pid]);
    expect(pids.size, 'four processes').to.equal(4);
    expect(
      running.lines.some(
        (l) => l.msg === 'embedded MongoDB-compatible server listening' && l.proc !== 'db'
      ),
      'no bot process starts a database of its own'
    ).to.equal(false);

    expect(await request(port, 'GET', '/healthz')).to.equal(200);
    expect(await request(port, 'GET', '/healthz')).to.equal(200);
    // The primary hands each connection to a free bot process in turn; one busy (a loaded
    // machine) is passed over, so ask until both have answered, within a bound.
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) for (const p of await helpTurns(1)) seen.add(p);
    expect([...seen].sort()).to.deep.equal(['worker-1', 'worker-2']);
  });

  it('answers /metrics for both bot processes, whichever takes the scrape', async () => {
    // Both processes have answered some of the help turns so far: a process alone counts fewer.
    const sent = next - 1;
    for (let i = 0; i < 2; i++) {
      const scrape = await exchange(port, 'GET', '/metrics', undefined, {
        Authorization: `Bearer ${METRICS_TOKEN}`,
      });
      expect(scrape.status).to.equal(200);
      const help = scrape.text
        .split('\n')
        .find((l) => /^partner_connect_turns_total\{.*kind="command:help"/.test(l));
      expect(help, scrape.text.slice(0, 2000)).to.match(new RegExp(` ${sent}$`));
    }
  });

  it('restarts a bot process killed with SIGKILL; the other answers meanwhile', async () => {
    const first = running.lines.find((l) => l.proc === 'worker-1' && l.msg === 'listening')!;
    process.kill(first.pid, 'SIGKILL');
    await running.waitForLine(
      (l) => l.proc === 'primary' && l.msg === 'exited: restarting' && l.child === 'worker-1'
    );
    expect(await request(port, 'GET', '/healthz')).to.equal(200);
    expect(await helpTurns(1)).to.have.length(1);

    const again = await running.waitForLine(
      (l) => l.proc === 'worker-1' && l.msg === 'listening' && l.pid !== first.pid,
      100_000
    );
    expect(again.port).to.equal(port);
    // The primary hands each connection to a free bot process in turn; one busy (a loaded
    // machine) is passed over, so ask until both have answered, within a bound.
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) for (const p of await helpTurns(1)) seen.add(p);
    expect([...seen].sort()).to.deep.equal(['worker-1', 'worker-2']);
  });

  it('restarts the database process killed with SIGKILL; the bot processes carry on on it', async () => {
    const started = (l: Record<string, any>) =>
      l.proc === 'db' && l.msg === 'embedded MongoDB-compatible server listening';
    const first = running.lines.find(started)!;
    process.kill(first.pid, 'SIGKILL');
    await running.waitForLine(
      (l) => l.proc === 'primary' && l.msg === 'exited: restarting' && l.child === 'db'
    );
    const again = await running.waitForLine((l) => started(l) && l.pid !== first.pid, 100_000);
    expect(again.uri, 'the same socket').to.equal(first.uri);
    // The drivers find it again on their own (a bounded poll: each asks at once when needed).
    const deadline = Date.now() + 30_000;
    while ((await request(port, 'GET', '/healthz')) !== 200) {
      if (Date.now() > deadline) throw new Error(`never healthy again:\n${running.output()}`);
    }
    // The primary hands each connection to a free bot process in turn; one busy (a loaded
    // machine) is passed over, so ask until both have answered, within a bound.
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) for (const p of await helpTurns(1)) seen.add(p);
    expect([...seen].sort()).to.deep.equal(['worker-1', 'worker-2']);
  });

  it('on SIGTERM to the supervisor finishes the turn in flight, then every process exits 0', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const replying = new Promise<void>((r) => (arrived = r));
    connector.setGate((call) => {
      if (call.method !== 'POST' || !call.conversationId) return undefined;
      arrived();
      return { until: held };
    });
    const turn = request(port, 'POST', '/api/messages', teams.message(person(next++), 'help'));
    await replying;

    running.child.kill('SIGTERM');
    await running.waitForLine(
      (l) => l.proc === 'primary' && /^stopping: no new connections/.test(l.msg ?? '')
    );
    release();
    expect(await turn, 'the turn in flight is answered').to.equal(200);
    expect(await running.exited).to.equal(0);
    const stopped = running.lines.filter((l) => l.proc === 'primary' && l.msg === 'stopped');
    expect(stopped.map((l) => [l.child, l.code])).to.have.deep.members([
      ['worker-1', 0],
      ['worker-2', 0],
      ['db', 0],
    ]);
    const order = running.lines.map((l) => `${l.proc}:${l.msg}`);
    expect(order.indexOf('db:embedded server stopped')).to.be.greaterThan(
      Math.max(order.indexOf('worker-1:database closed'), order.indexOf('worker-2:database closed'))
    );
  });
});

describe('npm start on MONGODB_URI: the bot processes alone, no database process', function () {
  this.timeout(120_000);
  let dir: string;
  let mongo: EmbeddedMongo;
  let running: Running | undefined;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-cluster-uri-'));
    mongo = await startEmbeddedMongo({
      dataDir: path.join(dir, 'mongo'),
      logger: testLogger(),
      localSocket: false,
      port: 0,
    });
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    await mongo.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts no database process, serves on the given MongoDB and stops with exit 0', async () => {
    running = runIndex(dir, {
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(dir, 'data'),
      MicrosoftAppId: '',
      MONGODB_URI: mongo.uri,
      WEB_CONCURRENCY: '1',
    });
    const ready = await running.waitForLine(
      (l) => l.proc === 'primary' && l.msg === 'every bot process listens',
      100_000
    );
    expect(await request(ready.port, 'GET', '/healthz')).to.equal(200);
    running.child.kill('SIGTERM');
    expect(await running.exited).to.equal(0);
    expect(running.lines.filter((l) => l.proc === 'db')).to.deep.equal([]);
    const starting = running.lines.find((l) => l.msg === 'starting the bot processes');
    expect(starting).to.include({ workers: 1, embeddedDatabase: false });
    const listening = running.lines.filter((l) => l.msg === 'listening');
    expect(listening.map((l) => [l.proc, l.embeddedDatabase])).to.deep.equal([['worker-1', false]]);
  });
});
