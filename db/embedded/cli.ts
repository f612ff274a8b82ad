import { parseArgs } from 'node:util';
import { createLogger } from '../../logging/logger.js';
import { startEmbeddedMongo } from './start.js';

/** `npm run db -- --port 27017 --dbpath ./data`: the embedded server alone, for any client. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      dbpath: { type: 'string', default: process.env.DATA_DIR ?? './data' },
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
  const server = await startEmbeddedMongo({
    dataDir: values.dbpath!,
    port,
    host: values.host,
    logger,
  });
  logger.info({ uri: server.uri }, `connect with: mongosh "${server.uri}"`);
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
