import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import type { Config } from '../config/config.js';
import { moduleLogger, type Logger } from '../logging/logger.js';
import { embeddedDataDir } from '../models/connection.js';
import { isOwnMessage, tellSupervisor, type FromSupervisor } from './messages.js';

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
