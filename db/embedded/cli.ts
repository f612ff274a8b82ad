import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../../config/config.js';
import { createLogger, type Logger } from '../../logging/logger.js';
import { embeddedDataDir } from '../connection.js';
import { startEmbeddedMongo } from './start.js';

/**
 * The folder the bot keeps its embedded database in (`DATA_DIR/db`), read the way the bot reads
 * it (.env, then the validated config), so `npm run db` alone opens the bot's data.
 */
function botDbPath(logger: Logger): string | undefined {
  dotenv.config({ quiet: true });
  try {
    return embeddedDataDir(loadConfig());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger.error({ problems: err.problems }, `${err.message}\n(or pass --dbpath explicitly)`);
    return undefined;
  }
}

/** `npm run db -- --port 27017 --dbpath ./data/db`: the embedded server alone, for any client. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      // Default: the bot's own folder, DATA_DIR/db.
      dbpath: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    logger.error({ port: values.port }, 'invalid --port');
    process.exitCode = 2;
    return;
  }
  const dataDir = values.dbpath ?? botDbPath(logger);
  if (dataDir === undefined) {
    process.exitCode = 2;
    return;
  }
  const server = await startEmbeddedMongo({
    dataDir,
    port,
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

main().catch((err: unknown) => {
  createLogger().error({ err }, 'embedded server failed to start');
  process.exit(1);
});
