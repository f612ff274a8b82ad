import { parseArgs } from 'node:util';
import { createLogger, type Logger } from './logger.js';
import { startEmbeddedMongo } from './start.js';

export interface ServerCliOptions {
  /** Arguments after the script name (default: process.argv). */
  readonly argv?: readonly string[];
  readonly logger?: Logger;
  /**
   * The folder to open when no `--dbpath` is given (a host passes its own data folder); returns
   * undefined after logging why there is none, and the CLI exits 2.
   */
  readonly defaultDbPath?: () => string | undefined;
}

/**
 * `embedded-mongo --dbpath ./data/db [--port 27017]`: the server alone, for mongosh, Compass or
 * any driver, until SIGINT/SIGTERM (then exit 0 with the lock released). On its owner-only Unix
 * socket; on TCP (127.0.0.1 unless `--host`) only with `--port`, as TCP has no authentication.
 */
export async function runServerCli(options: ServerCliOptions = {}): Promise<void> {
  const { values } = parseArgs({
    args: [...(options.argv ?? process.argv.slice(2))],
    options: {
      port: { type: 'string' },
      dbpath: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const logger = options.logger ?? createLogger(process.env.LOG_LEVEL ?? 'info');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    logger.error({ port: values.port }, 'invalid --port');
    process.exitCode = 2;
    return;
  }
  const dataDir = values.dbpath ?? (options.defaultDbPath ? options.defaultDbPath() : undefined);
  if (dataDir === undefined) {
    if (!options.defaultDbPath) logger.error('--dbpath is required');
    process.exitCode = 2;
    return;
  }
  const server = await startEmbeddedMongo({
    dataDir,
    ...(port !== undefined ? { port } : {}),
    host: values.host,
    logger,
  });
  logger.info(
    { uri: server.uri, localUri: server.localUri },
    `connect with: mongosh "${server.uri}"`
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      }
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Runs the CLI when this file is the entry point; a failure to start exits 1. */
export function mainServerCli(options: ServerCliOptions = {}): void {
  runServerCli(options).catch((err: unknown) => {
    (options.logger ?? createLogger()).error({ err }, 'embedded server failed to start');
    process.exit(1);
  });
}
