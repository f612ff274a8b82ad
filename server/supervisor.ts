import { fork, type ChildProcess } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/config.js';
import { invitationCodeKey } from '../config/invitation-code-key.js';
import { DATABASE_URI_VARIABLE, PROC_VARIABLE } from '../config/process-role.js';
import type { Logger } from '../logging/logger.js';
import { serveClusterMetrics } from '../observability/cluster-metrics.js';
import { SHUTDOWN_BOUND_MS } from './bot-process.js';
import { isOwnMessage, type FromSupervisor, type ToSupervisor } from './messages.js';
import { restartDelayMs } from './restart-delay.js';

export interface SupervisorOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The script every child runs (index.ts), which takes its role from `PROC_VARIABLE`. */
  readonly entry: string;
}

/** A process run for as long as the supervisor runs, restarted when it dies. */
interface Slot {
  readonly name: string;
  /** The running process; undefined while it waits to be restarted. */
  child?: ChildProcess;
  /** A bot process's cluster handle (what its messages come through). */
  worker?: Worker;
  startedAt: number;
  /** Crashes in a row, each soon after its start (restart-delay.ts). */
  crashes: number;
  ready: boolean;
  draining: boolean;
  restart?: NodeJS.Timeout;
}

/**
 * `npm start`: the embedded database in a process of its own (unless MONGODB_URI is set), then
 * `WEB_CONCURRENCY` bot processes on it, sharing the port (node:cluster), each restarted when it
 * dies (at once, then backing off while it keeps dying); SIGTERM or SIGINT drains every bot
 * process, then stops the database, and exits 0 when all did. This process serves nothing
 * itself: it holds the listening socket, hands connections out, and answers the bot processes'
 * /metrics with every bot process's numbers.
 */
export async function runSupervisor(options: SupervisorOptions): Promise<void> {
  const { config, logger, entry } = options;
  const log = logger.child({ module: 'supervisor' });
  // Before any child exists: every bot process reads the one key this writes (they would race
  // to create it otherwise, and a reader could meet a file not yet written).
  await invitationCodeKey(config, logger);

  let stopping = false;
  /** Some bot process has listened: from then on one that dies is restarted. */
  let started = false;
  let allListening = false;
  const workers = new Map<number, Slot>();
  const database: Slot | undefined = config.mongodbUri
    ? undefined
    : { name: 'db', startedAt: 0, crashes: 0, ready: false, draining: false };
  let databaseUri: string | undefined;
  let exitCode = 0;

  const exit = (code: number) => {
    // A bot process left running would hold the port; the database the lock.
    for (const slot of [...workers.values(), ...(database ? [database] : [])])
      slot.child?.kill('SIGKILL');
    process.exit(code);
  };

  const startDatabase = (slot: Slot): Promise<string> =>
    new Promise((resolve, reject) => {
      const child: ChildProcess = fork(entry, [], {
        env: { ...process.env, [PROC_VARIABLE]: 'db' },
        stdio: 'inherit',
      });
      slot.child = child;
      slot.startedAt = Date.now();
      slot.ready = false;
      child.on('message', (message: unknown) => {
        if (!isOwnMessage<ToSupervisor>(message) || message.type !== 'database-ready') return;
        slot.ready = true;
        resolve(message.uri);
      });
      child.on('exit', (code, signal) => {
        slot.child = undefined;
        if (!slot.ready) reject(new Error(`the database process exited (${signal ?? code})`));
        else onExit(slot, code, signal, () => void restartDatabase(slot));
      });
    });

  const restartDatabase = async (slot: Slot) => {
    try {
      const uri = await startDatabase(slot);
      if (uri !== databaseUri) {
        // Its socket path could not be taken again: bot processes started from now on use the
        // new one; the running ones cannot follow.
        log.error({ uri, was: databaseUri }, 'the database came back elsewhere: restart npm start');
        databaseUri = uri;
      }
    } catch (err) {
      log.error({ err }, 'the database process failed to restart');
      onExit(slot, 1, null, () => void restartDatabase(slot));
    }
  };

  const startWorker = (slot: Slot, n: number) => {
    const worker: Worker = cluster.fork({
      [PROC_VARIABLE]: `worker-${n}`,
      ...(databaseUri ? { [DATABASE_URI_VARIABLE]: databaseUri } : {}),
    });
    slot.child = worker.process;
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.ready = false;
    slot.draining = false;
    worker.on('message', (message: unknown) => {
      if (!isOwnMessage<ToSupervisor>(message)) return;
      if (message.type === 'listening') {
        slot.ready = true;
        started = true;
        // Again: the first may have come before this process heard its channel.
        if (stopping) send(worker, { type: 'shutdown' });
        else if (!allListening && [...workers.values()].every((s) => s.ready)) {
          allListening = true;
          log.info({ workers: workers.size, port: message.port }, 'every bot process listens');
        }
      } else if (message.type === 'draining') {
        slot.draining = true;
        if (stopping && [...workers.values()].every((s) => s.draining || !s.child))
          log.info('stopping: no new connections, every bot process finishes what it accepted');
      }
    });
    worker.on('exit', (code, signal) => {
      slot.child = undefined;
      if (!started && !stopping) {
        // Not one bot process has started (the port is taken, the database unreachable):
        // restarting would only repeat it.
        log.fatal({ child: slot.name, code, signal }, 'could not start: a bot process failed');
        exit(1);
      }
      onExit(slot, code, signal as NodeJS.Signals | null, () => startWorker(slot, n));
    });
  };

  /** A child has exited: restart it, or, when stopping, go on with the shutdown. */
  const onExit = (
    slot: Slot,
    code: number | null,
    signal: NodeJS.Signals | null,
    restart: () => void
  ) => {
    if (stopping) {
      if (code !== 0) exitCode = 1;
      log.info({ child: slot.name, code, signal }, 'stopped');
      continueShutdown();
      return;
    }
    const ranMs = Date.now() - slot.startedAt;
    const { crashes, delayMs } = restartDelayMs(slot.crashes, ranMs);
    slot.crashes = crashes;
    log.error({ child: slot.name, code, signal, ranMs, delayMs }, 'exited: restarting');
    slot.restart = setTimeout(() => {
      slot.restart = undefined;
      restart();
    }, delayMs);
  };

  const send = (worker: Worker, message: FromSupervisor) => {
    if (worker.isConnected()) worker.send(message);
  };

  /** Bot processes first, then the database, which they finish their requests on. */
  const continueShutdown = () => {
    if ([...workers.values()].some((s) => s.child)) return;
    if (database?.child) {
      if (database.child.connected) database.child.send({ type: 'stop' } satisfies FromSupervisor);
      return;
    }
    log.info({ code: exitCode }, 'every process stopped');
    process.exit(exitCode);
  };

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ boundMs: SHUTDOWN_BOUND_MS }, 'shutdown did not finish in time: exiting');
      exit(1);
    }, SHUTDOWN_BOUND_MS + 2_000).unref();
    for (const slot of [...workers.values(), ...(database ? [database] : [])]) {
      clearTimeout(slot.restart);
    }
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker) send(worker, { type: 'shutdown' });
    }
    continueShutdown();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  if (database) {
    try {
      databaseUri = await startDatabase(database);
    } catch (err) {
      log.fatal({ err }, 'could not start: the embedded database failed to start');
      exit(1);
    }
    if (stopping) return continueShutdown();
  }
  cluster.setupPrimary({ exec: entry });
  serveClusterMetrics(
    () => [...workers.values()].flatMap((s) => (s.ready && s.child && s.worker ? [s.worker] : [])),
    log
  );
  log.info(
    { workers: config.webConcurrency, embeddedDatabase: database !== undefined },
    'starting the bot processes'
  );
  for (let n = 1; n <= config.webConcurrency; n++) {
    const slot: Slot = {
      name: `worker-${n}`,
      startedAt: 0,
      crashes: 0,
      ready: false,
      draining: false,
    };
    workers.set(n, slot);
    startWorker(slot, n);
  }
}
