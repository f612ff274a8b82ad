import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import type { Config } from '../config/config.js';
import { PROC_VARIABLE } from '../config/process-role.js';
import { moduleLogger, type Logger } from '../logging/logger.js';
import { embeddedDataDir } from '../models/connection.js';
import {
  isOwnMessage,
  tellSupervisor,
  type FromSupervisor,
  type ToSupervisor,
} from './messages.js';

/**
 * The embedded database's process under `npm start` (server/supervisor.ts): the server on
 * DATA_DIR/db, on its owner-only Unix socket as before (TCP on 127.0.0.1 only where there is no
 * socket), its memory its own rather than every bot process's. It stops when the supervisor says
 * so, after every bot process has stopped, or when the supervisor is gone; a signal alone does
 * not stop it, since a terminal's Ctrl-C and systemd signal every process of the group at once
 * while the bot processes still finish their requests on it.
 */
export async function runDatabaseProcess(config: Config, logger: Logger): Promise<void> {
  const log = moduleLogger(logger, 'db');
  const server = await startEmbeddedMongo({ dataDir: embeddedDataDir(config), logger: log });
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'stopping the embedded database');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'the embedded database failed to stop');
        process.exit(1);
      }
    );
  };
  process.on('message', (message: unknown) => {
    if (isOwnMessage<FromSupervisor>(message) && message.type === 'stop') stop('asked');
  });
  // The supervisor died (SIGKILL): nobody will ask, and no bot process is left on it.
  process.on('disconnect', () => stop('the supervisor is gone'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () =>
      log.info({ signal }, 'signal: stopping once the bot processes have stopped')
    );
  }
  tellSupervisor({ type: 'database-ready', uri: server.localUri ?? server.uri });
}

/** A database process started by a bench (`forkDatabaseProcess`). */
export interface ForkedDatabase {
  /** Its Unix socket (or 127.0.0.1 port): `embeddedUri` of models/connection.ts. */
  readonly uri: string;
  readonly pid: number;
  /** Asks it to close the data store and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * The embedded database in a process of its own, as `npm start` runs it, on `dataDir` (its
 * DATA_DIR: the files go in `dataDir/db`): for a bench that measures the bot process apart
 * from the database, as deployed.
 */
export async function forkDatabaseProcess(options: {
  readonly dataDir: string;
  readonly logLevel?: string;
}): Promise<ForkedDatabase> {
  const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../index.ts');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(MONGODB_URI|DATA_DIR|LOG_LEVEL)$/.test(k))
  );
  const child = fork(entry, [], {
    env: {
      ...env,
      [PROC_VARIABLE]: 'db',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: options.logLevel ?? 'warn',
    },
    stdio: 'inherit',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const uri = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: unknown) => {
      if (isOwnMessage<ToSupervisor>(message) && message.type === 'database-ready')
        resolve(message.uri);
    });
    void exited.then((code) => reject(new Error(`the database process exited (${code})`)));
  });
  return {
    uri,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.connected)
        child.send({ type: 'stop' } satisfies FromSupervisor);
      await exited;
    },
  };
}
