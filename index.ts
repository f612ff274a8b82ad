import dotenv from 'dotenv';
import { createApp } from './app.js';
import { productModules } from './app-modules.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createLogger } from './logging/logger.js';

// Composition root: .env -> config -> app (db, adapter, bot, server) -> signals.
dotenv.config({ quiet: true });

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  createLogger('error').fatal({ problems: err.problems }, err.message);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const app = await createApp({ config, logger, modules: (ctx) => productModules(ctx) }).catch(
  (err: unknown) => {
    logger.fatal({ err }, 'could not start: database or bot failed to initialise');
    process.exit(1);
  }
);
await app.start().catch(async (err: unknown) => {
  logger.fatal({ err, port: config.port }, 'could not start the server');
  await app.stop().catch(() => undefined);
  process.exit(1);
});

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    );
  });
}
