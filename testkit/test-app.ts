import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { productModules } from '../app-modules.js';
import {
  createApp,
  type App,
  type AppModule,
  type CreateAppOptions,
  type ModuleSet,
} from '../app.js';
import { loadConfig, type Config } from '../config/config.js';
import { testLogger, type Logger } from '../logging/logger.js';
import { FakeConnector } from './fake-connector.js';
import { startLocalBotAuth, type LocalBotAuth } from './jwt.js';
import { postActivity, TeamsActivities, type PostResult } from './teams-activity.js';

/** Environment variables as the bot reads them (`PORT`, `MicrosoftAppId`, `MONGODB_URI`...). */
export type TestEnv = Partial<Record<string, string>>;

export interface TestAppOptions<M extends ModuleSet<M> = Record<string, AppModule>> extends Partial<
  Omit<CreateAppOptions<M>, 'config' | 'logger'>
> {
  /**
   * Run with Bot Framework authentication on: a local OpenID/JWKS + token server, an app id and
   * password; `post` then signs every request like the Bot Connector does.
   */
  readonly auth?: boolean;
  readonly logger?: Logger;
  /** Reuse a connector (e.g. across a restart); otherwise a new one is started and closed. */
  readonly connector?: FakeConnector;
  /** Reuse a data dir (e.g. restart on the same database); otherwise a fresh temp dir. */
  readonly dataDir?: string;
}

export interface TestApp<M extends ModuleSet<M> = Record<string, AppModule>> {
  readonly app: App<M>;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly config: Config;
  readonly dataDir: string;
  readonly connector: FakeConnector;
  /** Activity builders whose serviceUrl is the fake connector. */
  readonly teams: TeamsActivities;
  /** Present with `auth: true`. */
  readonly auth?: LocalBotAuth;
  /** POSTs an activity to /api/messages, with a valid channel token when auth is on. */
  post(activity: Partial<Activity>): Promise<PostResult>;
  /** Stops the app, the connector and auth server it started, and removes the temp data dir. */
  stop(): Promise<void>;
}

export const TEST_APP_ID = 'a1b2c3d4-0000-4000-8000-00000000b075';
const TEST_APP_PASSWORD = 'test-app-password';

/**
 * The real app on 127.0.0.1 port 0, a fresh data dir with the embedded database, and a fake
 * Bot Connector. `overrides` are environment variables; options reach createApp. Without
 * `modules` or `botFactory`, the product modules (notifications, enrollment) are built as in `npm start`.
 */
export async function startTestApp<M extends ModuleSet<M> = Record<string, AppModule>>(
  overrides: TestEnv = {},
  options: TestAppOptions<M> = {}
): Promise<TestApp<M>> {
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pc-test-app-'));
  const connector = options.connector ?? (await FakeConnector.start());
  const auth = options.auth ? await startLocalBotAuth() : undefined;
  const env: TestEnv = {
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(auth
      ? {
          MicrosoftAppId: TEST_APP_ID,
          MicrosoftAppPassword: TEST_APP_PASSWORD,
          // The fake connector listens here; with an app id only service hosts are trusted.
          TRUSTED_SERVICE_URL_HOSTS: '127.0.0.1',
          // The REST API's Teams SSO tokens: the same local key set.
          ENTRA_OPENID_METADATA_URL: auth.entraMetadataUrl,
        }
      : {}),
    ...overrides,
  };
  const cleanup = async () => {
    if (!options.connector) await connector.close();
    await auth?.close();
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let app: App<M>;
  let config: Config;
  try {
    config = loadConfig(env as NodeJS.ProcessEnv);
    app = await createApp({
      ...options,
      // As `npm start` runs it, unless the test builds its own modules or bot.
      modules:
        options.modules ??
        (options.botFactory
          ? undefined
          : // The product as `npm start` builds it, typed as whatever the caller asked for.
            (ctx) => productModules(ctx) as unknown as M),
      config,
      logger: options.logger ?? testLogger(),
      host: '127.0.0.1',
      adapterOptions:
        options.adapterOptions ??
        (auth
          ? auth.adapterOptions({ appId: TEST_APP_ID, password: TEST_APP_PASSWORD })
          : undefined),
    });
    await app.start();
  } catch (err) {
    await cleanup();
    throw err;
  }

  const url = app.url;
  const teams = new TeamsActivities({ serviceUrl: connector.url, botAppId: config.microsoftAppId });
  return {
    app,
    url,
    config,
    dataDir,
    connector,
    teams,
    auth,
    async post(activity) {
      const token =
        auth && config.microsoftAppId
          ? await auth.channelToken({
              audience: config.microsoftAppId,
              serviceUrl: String(activity.serviceUrl),
            })
          : undefined;
      return postActivity(url, activity, token);
    },
    async stop() {
      try {
        await app.stop();
      } finally {
        await cleanup();
      }
    },
  };
}
