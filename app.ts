import {
  ConversationState,
  type ActivityHandler,
  type CloudAdapter,
  type Storage,
} from 'botbuilder';
import type mongoose from 'mongoose';
import { createAdapter, type AdapterOptions } from './bot/adapter.js';
import { createBot } from './bot/create-bot.js';
import type { Feature } from './bot/feature.js';
import type { Config } from './config/config.js';
import { connectDatabase, type ConnectOptions, type DatabaseHandle } from './db/connection.js';
import type { Logger } from './logging/logger.js';
import type { HealthContributor } from './web/health.route.js';
import { createWebServer, type WebServer } from './web/server.js';

/** What a bot factory needs; `createBot` from bot/create-bot.ts is the real one. */
export interface BotFactoryDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly connection: mongoose.Connection;
  readonly features: readonly Feature[];
}
/** The part of `createBot`'s result the server needs (the real one returns repositories too). */
export type BotFactory = (
  deps: BotFactoryDeps
) => Promise<{ bot: ActivityHandler; storage: Storage; conversationState?: ConversationState }>;

/** Shared infrastructure handed to modules (notifications, enrollment...) when the app is built. */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DatabaseHandle;
  readonly adapter: CloudAdapter;
}

/**
 * A feature package that needs the database or the adapter: it may add bot features, health
 * fields, and background work started after the server listens and stopped before the DB closes.
 */
export interface AppModule {
  readonly features?: readonly Feature[];
  readonly healthContributors?: readonly HealthContributor[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
export type AppModuleFactory = (ctx: AppContext) => AppModule | Promise<AppModule>;

export interface CreateAppOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Features that need nothing from the app context. */
  readonly features?: readonly Feature[];
  /** Built in order once the DB and adapter exist; their features follow `features`. */
  readonly modules?: readonly AppModuleFactory[];
  readonly healthContributors?: readonly HealthContributor[];
  /** Private-cloud or test auth endpoints and credentials (see bot/adapter.ts). */
  readonly adapterOptions?: Omit<AdapterOptions, 'conversationState'>;
  readonly dbOptions?: ConnectOptions;
  /** Replaces `createBot` (tests of the server alone). */
  readonly botFactory?: BotFactory;
  /** How long stop() waits for turns in flight before closing anyway. */
  readonly shutdownTimeoutMs?: number;
  /** Interface to listen on; unset: all interfaces. */
  readonly host?: string;
}

/** The running bot: its URL once started, its database and adapter (for proactive messages). */
export interface App {
  /** `http://host:port`, set by start(). */
  readonly url: string;
  readonly port: number;
  readonly db: DatabaseHandle;
  readonly adapter: CloudAdapter;
  readonly bot: Awaited<ReturnType<BotFactory>>;
  start(): Promise<void>;
  /** Stops accepting requests, finishes turns in flight, stops modules, closes the DB. */
  stop(): Promise<void>;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Composes config -> db -> adapter -> modules -> bot -> server, without listening yet. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config, logger } = options;
  const db = await connectDatabase(config, logger, options.dbOptions);
  try {
    // onTurnError clears conversation state; the state object is bound once the bot's storage exists.
    const conversationStateRef: { state?: ConversationState } = {};
    const adapter = createAdapter(config, logger, {
      ...options.adapterOptions,
      get conversationState() {
        return conversationStateRef.state;
      },
    });
    const context: AppContext = { config, logger, db, adapter };
    const modules: AppModule[] = [];
    for (const factory of options.modules ?? []) modules.push(await factory(context));

    const features = [...(options.features ?? []), ...modules.flatMap((m) => m.features ?? [])];
    const botFactory: BotFactory = options.botFactory ?? createBot;
    const bot = await botFactory({ config, logger, connection: db.connection, features });
    conversationStateRef.state = bot.conversationState ?? new ConversationState(bot.storage);

    const web: WebServer = createWebServer({
      adapter,
      logic: (turn) => bot.bot.run(turn),
      ping: () => db.ping(),
      healthContributors: [
        ...(options.healthContributors ?? []),
        ...modules.flatMap((m) => m.healthContributors ?? []),
      ],
      logger,
    });
    return buildApp({ options, db, adapter, bot, web, modules });
  } catch (err) {
    await db.close();
    throw err;
  }
}

function buildApp(parts: {
  options: CreateAppOptions;
  db: DatabaseHandle;
  adapter: CloudAdapter;
  bot: Awaited<ReturnType<BotFactory>>;
  web: WebServer;
  modules: AppModule[];
}): App {
  const { options, db, adapter, bot, web, modules } = parts;
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
    async start() {
      ({ url, port } = await web.listen(options.config.port, options.host));
      for (const m of modules) await m.start?.();
      log.info({ port, url, database: db.uri, embeddedDatabase: db.embedded }, 'listening');
    },
    stop() {
      stopping ??= (async () => {
        log.info('stopping: no new requests, finishing turns in flight');
        await web.close(options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
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
