import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { startTracing } from '../observability/tracing.js';
import { isOwnMessage, tellSupervisor, type FromSupervisor } from './messages.js';

/**
 * The whole shutdown's bound: App Service and Kubernetes kill the process 30 s after SIGTERM,
 * so whatever is still stuck by then (a delivery whose call hangs) is given up here, logged.
 */
export const SHUTDOWN_BOUND_MS = 25_000;

export interface BotProcessOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The embedded database's process (server/database-process.ts); unset on MONGODB_URI. */
  readonly databaseUri?: string;
}

/**
 * One bot process of `npm start` (a cluster worker: they share the port): the app on the
 * database, stopped by SIGTERM/SIGINT or by the supervisor, finishing every request it accepted.
 */
export async function runBotProcess(options: BotProcessOptions): Promise<void> {
  const { config, logger } = options;
  let stopRequested: string | undefined;
  let stopNow: ((why: string) => void) | undefined;
  const requestStop = (why: string) => {
    if (stopNow) stopNow(why);
    else stopRequested ??= why;
  };
  // Heard from the start: a shutdown may come while this process is still starting.
  process.on('message', (message: unknown) => {
    if (isOwnMessage<FromSupervisor>(message) && message.type === 'shutdown')
      requestStop('supervisor');
  });
  let signals = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      // A second signal, not the supervisor's word that follows the first (Ctrl-C reaches both).
      if (++signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      requestStop(signal);
    });
  }

  // Before the app is imported: the http instrumentation patches node:http as restify and the
  // Bot Framework connector require it.
  const tracing = await startTracing(config, logger);
  const { createApp } = await import('../app.js');
  const { productModules } = await import('../app-modules.js');
  const app = await createApp({
    config,
    logger,
    modules: (ctx) => productModules(ctx),
    tracing: tracing !== undefined,
    clusterMetrics: true,
    ...(options.databaseUri ? { dbOptions: { embeddedUri: options.databaseUri } } : {}),
  }).catch((err: unknown) => {
    logger.fatal({ err }, 'could not start: database or bot failed to initialise');
    process.exit(1);
  });
  await app.start().catch(async (err: unknown) => {
    logger.fatal({ err, port: config.port }, 'could not start the server');
    await app.stop().catch(() => undefined);
    process.exit(1);
  });
  tellSupervisor({ type: 'listening', port: app.port });

  let stopping = false;
  stopNow = (why) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'shutting down');
    setTimeout(() => {
      logger.error({ boundMs: SHUTDOWN_BOUND_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_BOUND_MS).unref();
    const stopped = app.stop();
    // stop() has closed the listening socket by now (synchronously, before its first wait), and
    // this message follows the cluster's own on the channel: the supervisor knows this process
    // takes no new connection.
    tellSupervisor({ type: 'draining' });
    stopped
      // Exports the spans still buffered.
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        }
      );
  };
  if (stopRequested) stopNow(stopRequested);
}
