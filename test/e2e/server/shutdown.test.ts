import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createNotifications } from '../../../bot/features/notifications/notifications.module.js';
import { FakeConnector } from '../../helpers/fake-connector.js';
import { startTestApp } from '../../helpers/test-app.js';
import { postActivity, TeamsActivities, type TeamsPersona } from '../../helpers/teams-activity.js';
import { echoBot } from './echo-bot.js';
import { runIndex, type Running } from './run-index.js';

const adele: TeamsPersona = {
  tenantId: '33333333-3333-3333-3333-333333333333',
  aadObjectId: '33333333-0000-0000-0000-000000000001',
  name: 'Adele Vance',
  email: 'adele@customer.example',
  locale: 'en-US',
};

describe('graceful shutdown', function () {
  it('finishes a turn in flight when stop() is called, then refuses work and closes the database', async () => {
    const echo = echoBot();
    const app = await startTestApp({}, { botFactory: echo.factory });
    try {
      const inFlight = app.post(app.teams.message(adele, 'slow'));
      await echo.slowStarted;

      let stopped = false;
      const stopping = app.app.stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(stopped, 'stop() waits for the turn in flight').to.equal(false);

      // New work is no longer accepted while draining.
      const late = await fetch(`${app.url}/healthz`).then(
        (r) => r.status,
        () => 'refused'
      );
      expect(late).to.be.oneOf([503, 'refused']);

      echo.release();
      const res = await inFlight;
      expect(res.status).to.equal(200);
      expect(app.connector.texts()).to.deep.equal(['echo: slow']);
      await stopping;

      let pingError: unknown;
      await app.app.db.ping().catch((err: unknown) => (pingError = err));
      expect(pingError, 'the database is closed').to.be.instanceOf(Error);
      const after = await fetch(`${app.url}/healthz`).then(
        (r) => r.status,
        () => 'refused'
      );
      expect(after).to.equal('refused');
    } finally {
      echo.release();
      await app.stop();
    }
  });

  it('gives up on a stuck turn after the shutdown timeout', async () => {
    const echo = echoBot();
    const app = await startTestApp({}, { botFactory: echo.factory, shutdownTimeoutMs: 300 });
    try {
      const inFlight = app.post(app.teams.message(adele, 'slow')).catch(() => null);
      await echo.slowStarted;
      const started = Date.now();
      await app.app.stop();
      expect(Date.now() - started).to.be.below(3_000);
      echo.release();
      await inFlight;
    } finally {
      echo.release();
      await app.stop();
    }
  });

  it('finishes the delivery in hand and records it before the database closes', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-stop-delivery-'));
    const connector = await FakeConnector.start();
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    const start = () =>
      startTestApp(
        {},
        {
          dataDir,
          connector,
          // Modules stop in reverse: the probe lets the reply go just as the worker is stopped.
          modules: (ctx) => ({
            notifications: createNotifications(ctx, { worker: { pollMs: 50 } }),
            probe: { stop: async () => release() },
          }),
        }
      );
    try {
      const app = await start();
      await app.post(app.teams.install(adele));
      await connector.waitForActivity();
      let inHand!: () => void;
      const delivering = new Promise<void>((r) => (inHand = r));
      connector.setGate((call) => {
        if (call.body?.text !== 'owed') return undefined;
        inHand();
        return { until: held };
      });
      await app.app.modules.notifications.service.notify({
        key: 'stop:1',
        to: { kind: 'user', user: adele },
        content: () => ({ text: 'owed' }),
      });
      await delivering;
      await app.stop();

      const again = await start();
      try {
        const { counts } = await again.app.modules.notifications.service.summary();
        expect(counts.sent, 'recorded as sent before the database closed').to.equal(1);
        const sent = connector.calls.filter((c) => c.body?.text === 'owed');
        expect(sent.map((c) => c.status)).to.deep.equal([200]);
      } finally {
        await again.stop();
      }
    } finally {
      await connector.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('starts modules after the server listens and stops them before the database closes', async () => {
    const events: string[] = [];
    const app = await startTestApp(
      {},
      {
        botFactory: echoBot().factory,
        modules: ({ db }) => ({
          probe: {
            async start() {
              events.push('start');
            },
            async stop() {
              await db.ping();
              events.push('stop with the database still open');
            },
          },
        }),
      }
    );
    expect(events).to.deep.equal(['start']);
    expect((await fetch(`${app.url}/healthz`)).status).to.equal(200);
    await app.stop();
    expect(events).to.deep.equal(['start', 'stop with the database still open']);
  });

  it("does the turns' owed work before the modules stop and the database closes", async () => {
    const events: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const app = await startTestApp(
      {},
      {
        botFactory: echoBot().factory,
        modules: () => ({
          probe: {
            async stop() {
              events.push('modules stopped');
            },
          },
        }),
      }
    );
    // What a click deferred (its notices), still running when the stop begins.
    app.app.owedWork.defer('relationships:1', async () => {
      await gate;
      await app.app.db.ping();
      events.push('owed work done with the database open');
    });
    const stopping = app.stop();
    setImmediate(open);
    await stopping;
    expect(events).to.deep.equal(['owed work done with the database open', 'modules stopped']);
  });
});

/** A distinct person per request, so that every turn has its own conversation. */
const person = (n: number): TeamsPersona => ({
  tenantId: '44444444-4444-4444-4444-444444444444',
  aadObjectId: `44444444-0000-0000-0000-${String(n).padStart(12, '0')}`,
  name: `Person ${n}`,
  email: `person${n}@customer.example`,
  locale: 'en-US',
});

/** A raw loopback connection to the bot, its whole answer collected until the server closes it. */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  const answer = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, answer, connected };
}

/** `POST /api/messages` as bytes: the first header lines, then the rest. */
function request(body: string): { head: string; rest: string } {
  const head = 'POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n';
  const rest =
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + body;
  return { head, rest };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('graceful shutdown of the processes npm start runs (SIGTERM)', function () {
  this.timeout(150_000);
  let dir: string;
  let running: Running | undefined;
  let connector: FakeConnector;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-sigterm-'));
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    await connector.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request it accepted, in flight or not yet read, refuses new connections and exits 0', async () => {
    // Every reply the bot sends waits at the connector until released: its turns stay in flight.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const replying = new Set<string>();
    let arrived = () => undefined as void;
    connector.setGate((call) => {
      if (call.method !== 'POST' || !call.conversationId) return undefined;
      replying.add(call.conversationId);
      arrived();
      return { until: held };
    });
    /** Resolves true once `n` conversations have a reply waiting, false after `ms`. */
    const repliesWaiting = (n: number, ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        arrived = () => {
          if (replying.size < n) return;
          clearTimeout(timer);
          resolve(true);
        };
        arrived();
      });

    running = runIndex(dir, {
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(dir, 'data'),
      MicrosoftAppId: '',
      // Two bot processes behind the supervisor: every one drains what it accepted.
      WEB_CONCURRENCY: '2',
    });
    const { port } = await running.waitForLine(
      (l) => l.proc === 'primary' && l.msg === 'every bot process listens',
      100_000
    );
    const url = `http://127.0.0.1:${port}`;
    const teams = new TeamsActivities({ serviceUrl: connector.url });
    const body = (n: number) => JSON.stringify(teams.message(person(n), 'help'));

    // Four turns running, each waiting on its reply.
    const turns = [1, 2, 3, 4].map((n) => postActivity(url, teams.message(person(n), 'help')));
    expect(await repliesWaiting(4, 15_000), 'four turns in flight').to.equal(true);
    // Two connections accepted whose request has not arrived yet, and one halfway through its
    // headers: what a burst of clicks looks like at the moment the platform stops the instance.
    const fresh = [connect(port), connect(port)];
    const partial = connect(port);
    await Promise.all([...fresh, partial].map((c) => c.connected));
    partial.socket.write(request(body(7)).head);
    // Answered on a connection opened after them: the server has accepted them all.
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);

    running.child.kill('SIGTERM');
    // The supervisor's word: every bot process has closed its listening socket.
    await running.waitForLine(
      (l) => l.proc === 'primary' && /^stopping: no new connections/.test(l.msg ?? '')
    );
    expect(await refused(port), 'a new connection is refused').to.equal(true);

    fresh.forEach((c, i) => {
      const { head, rest } = request(body(5 + i));
      c.socket.write(head + rest);
    });
    partial.socket.write(request(body(7)).rest);
    const allWaiting = await repliesWaiting(7, 5_000);
    release();

    for (const res of await Promise.all(turns)) expect(res.status).to.equal(200);
    for (const c of [...fresh, partial]) {
      const answer = await c.answer;
      expect(answer, 'a full answer').to.match(/^HTTP\/1\.1 200 /);
      expect(answer.toLowerCase()).to.include('connection: close');
    }
    expect(allWaiting, 'the late requests ran their turns').to.equal(true);
    expect(await running.exited).to.equal(0);
    const replies = connector.calls.filter((c) => c.method === 'POST' && c.status < 300);
    expect(new Set(replies.map((c) => c.conversationId)).size, 'every reply sent').to.equal(7);
  });
});
