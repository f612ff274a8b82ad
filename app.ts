import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type mongoose from 'mongoose';
import { createAdapter, type AdapterOptions } from './bot/adapter.js';
import { createBot } from './bot/create-bot.js';
import type { AppContext, AppModule } from './bot/app-module.js';
import type { ReplyCardRecorder } from './bot/card-sender.js';
import type { CommandAuthorizer, Feature } from './bot/feature.js';

export type { AppContext, AppModule };
import type { Config } from './config/config.js';
import { realSleep, systemClock, type Clock } from './notifications/clock.js';
import { connectDatabase, type ConnectOptions, type DatabaseHandle } from './models/connection.js';
import type { Logger } from './logging/logger.js';
import type { HealthContributor } from './web/health.route.js';
import { messagesRoute } from './bot/messages.route.js';
import { createWebServer, type WebServer } from './web/server.js';
import { watchDatabaseCommands } from './observability/database-commands.js';
import { AppMetrics } from './observability/metrics.js';
import { traceTurn } from './observability/spans.js';
import { OwedWork } from './domain/notices/owed-work.js';

/** What a bot factory needs; `createBot` from bot/create-bot.ts is the real one. */
export interface BotFactoryDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly connection: mongoose.Connection;
  /** Other bot processes may use the database at once (DatabaseHandle.shared). */
  readonly sharedDatabase?: boolean;
  readonly features: readonly Feature[];
  /** Keeps every sent copy of a card true (the notifications module). */
  readonly cardCopies?: ReplyCardRecorder;
  /** Checks the role a command declares (`may`); the partners module's memberships. */
  readonly authorizer?: CommandAuthorizer;
  /** The app's one clock (default wall-clock time). */
  readonly clock?: Clock;
}
/** The part of `createBot`'s result the server needs (the real one returns repositories too). */
export type BotFactory = (deps: BotFactoryDeps) => Promise<{ bot: ActivityHandler }>;

/** A product's modules by name, built once per app (`productModules` in app-modules.ts). */
export type ModuleSet<M> = { readonly [K in keyof M]: AppModule };
type AnyModules = Readonly<Record<string, AppModule>>;

export interface CreateAppOptions<M extends ModuleSet<M> = AnyModules> {
  readonly config: Config;
  readonly logger: Logger;
  /** Features that need nothing from the app context. */
  readonly features?: readonly Feature[];
  /**
   * Builds the modules once the DB and adapter exist (each module gets what it needs as an
   * argument, so the order is the code's); started in key order, stopped in reverse.
   */
  readonly modules?: (ctx: AppContext) => M | Promise<M>;
  readonly healthContributors?: readonly HealthContributor[];
  /** Private-cloud or test auth endpoints and credentials (see bot/adapter.ts). */
  readonly adapterOptions?: AdapterOptions;
  readonly dbOptions?: ConnectOptions;
  /** Replaces `createBot` (tests of the server alone). */
  readonly botFactory?: BotFactory;
  /** How long stop() waits for turns in flight before closing anyway. */
  readonly shutdownTimeoutMs?: number;
  /** Interface to listen on; unset: the configuration's (`Config.host`). */
  readonly host?: string;
  /**
   * The one clock every module reads (tests move it to reach expiry dates); default wall-clock
   * time. A bare `() => Date` is the time alone: sleeps then last real milliseconds.
   */
  readonly clock?: Clock | (() => Date);
  /**
   * OpenTelemetry was started (observability/tracing.ts, by index.ts): spans for turns and
   * database commands. Default false.
   */
  readonly tracing?: boolean;
  /**
   * This app is one of `npm start`'s several bot processes (server/): /metrics answers with all
   * of theirs (observability/cluster-metrics.ts). Default false.
   */
  readonly clusterMetrics?: boolean;
}

/** The running bot: its URL once started, its database and adapter (for proactive messages). */
export interface App<M extends ModuleSet<M> = AnyModules> {
  /** `http://host:port`, set by start(). */
  readonly url: string;
  readonly port: number;
  readonly db: DatabaseHandle;
  readonly adapter: CloudAdapter;
  readonly bot: Awaited<ReturnType<BotFactory>>;
  /** The modules as built, typed (tests reach their services here). */
  readonly modules: M;
  /** Work the turns owe others, done after their answers (`idle()`: all of it done so far). */
  readonly owedWork: OwedWork;
  start(): Promise<void>;
  /** Stops accepting requests, finishes turns in flight, stops modules, closes the DB. */
  stop(): Promise<void>;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Composes config -> db -> adapter -> modules -> bot -> server, without listening yet. */
export async function createApp<M extends ModuleSet<M> = AnyModules>(
  options: CreateAppOptions<M>
): Promise<App<M>> {
  const { config, logger } = options;
  // Prometheus metrics only when something may scrape them; spans only when tracing started.
  const metrics = config.metricsToken
    ? new AppMetrics({ cluster: options.clusterMetrics === true })
    : undefined;
  const tracing = options.tracing === true;
  const watchCommands = metrics !== undefined || tracing;
  const db = await connectDatabase(config, logger, {
    ...options.dbOptions,
    ...(watchCommands ? { monitorCommands: true } : {}),
  });
  try {
    if (watchCommands)
      watchDatabaseCommands(db.connection.getClient(), { metrics, spans: tracing });
    const adapter = createAdapter(config, logger, options.adapterOptions);
    const clock = appClock(options.clock);
    const owedWork = new OwedWork(logger);
    const context: AppContext = {
      config,
      logger,
      db,
      adapter,
      clock,
      now: () => new Date(clock.now()),
      owedWork,
      ...(metrics ? { deliveryMetrics: metrics } : {}),
    };
    const built = options.modules ? await options.modules(context) : ({} as M);
    const modules = Object.values(built) as AppModule[];

    const features = [...(options.features ?? []), ...modules.flatMap((m) => m.features ?? [])];
    const botFactory: BotFactory = options.botFactory ?? createBot;
    const cardCopies = modules.find((m) => m.cardCopies)?.cardCopies;
    const authorizer = modules.find((m) => m.authorizer)?.authorizer;
    const bot = await botFactory({
      config,
      logger,
      connection: db.connection,
      sharedDatabase: db.shared,
      features,
      clock,
      ...(cardCopies ? { cardCopies } : {}),
      ...(authorizer ? { authorizer } : {}),
    });

    const web: WebServer = createWebServer({
      messages: messagesRoute({
        adapter,
        logic: (turn) => bot.bot.run(turn),
        logger,
        trustedServiceUrlHosts: config.trustedServiceUrlHosts,
        metrics,
        trace: tracing ? traceTurn : undefined,
        owedWork,
      }),
      ping: () => db.ping(),
      healthContributors: [
        ...(options.healthContributors ?? []),
        ...modules.flatMap((m) => m.healthContributors ?? []),
      ],
      routes: modules.flatMap((m) => m.routes ?? []),
      metricsToken: options.config.metricsToken,
      metrics,
      logger,
    });
    return buildApp({ options, db, adapter, bot, web, modules, built, owedWork });
  } catch (err) {
    await db.close();
    throw err;
  }
}

function appClock(clock: CreateAppOptions['clock']): Clock {
  if (!clock) return systemClock;
  if (typeof clock !== 'function') return clock;
  return { now: () => clock().getTime(), sleep: realSleep };
}

function buildApp<M extends ModuleSet<M>>(parts: {
  options: CreateAppOptions<M>;
  db: DatabaseHandle;
  adapter: CloudAdapter;
  bot: Awaited<ReturnType<BotFactory>>;
  web: WebServer;
  modules: AppModule[];
  built: M;
  owedWork: OwedWork;
}): App<M> {
  const { options, db, adapter, bot, web, modules, built, owedWork } = parts;
  const log = options.logger.child({ module: 'app' });
  let url = '';
  let port = 0;
  let stopping: Promise<void> | undefined;
  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    db,
    adapter,
    bot,
    modules: built,
    owedWork,
    async start() {
      const listening = await web.listen(options.config.port, options.host ?? options.config.host);
      ({ url, port } = listening);
      for (const m of modules) await m.start?.();
      log.info(
        { port, url, address: listening.address, database: db.uri, embeddedDatabase: db.embedded },
        'listening'
      );
    },
    stop() {
      stopping ??= (async () => {
        log.info('stopping: no new requests, finishing turns in flight');
        await web.close(options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
        // The turns' owed work, while the database is open; what is left stays owed (stamped).
        await owedWork.close(options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
        for (const m of [...modules].reverse()) {
          try {
            await m.stop?.();
          } catch (err) {
            log.error({ err }, 'a module failed to stop');
          }
        }
        await db.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
