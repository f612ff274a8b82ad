import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createLogger } from './logging/logger.js';
import { startTracing } from './observability/tracing.js';

// Composition root: .env -> config -> tracing -> app (db, adapter, bot, server) -> signals.
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
// Before the app is imported: the http instrumentation patches node:http as restify and the
// Bot Framework connector require it.
const tracing = await startTracing(config, logger);
const { createApp } = await import('./app.js');
const { productModules } = await import('./app-modules.js');
const app = await createApp({
  config,
  logger,
  modules: (ctx) => productModules(ctx),
  tracing: tracing !== undefined,
}).catch((err: unknown) => {
  logger.fatal({ err }, 'could not start: database or bot failed to initialise');
  process.exit(1);
});
await app.start().catch(async (err: unknown) => {
  logger.fatal({ err, port: config.port }, 'could not start the server');
  await app.stop().catch(() => undefined);
  process.exit(1);
});

/**
 * The whole shutdown's bound: App Service and Kubernetes kill the process 30 s after SIGTERM,
 * so whatever is still stuck by then (a delivery whose call hangs) is given up here, logged.
 */
const SHUTDOWN_BOUND_MS = 25_000;
let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ boundMs: SHUTDOWN_BOUND_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_BOUND_MS).unref();
    app
      .stop()
      // Exports the spans still buffered.
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        }
      );
  });
}
