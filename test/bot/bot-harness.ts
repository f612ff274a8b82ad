import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder';
import { loadConfig, type Config } from '../../config/config.js';
import { connectDatabase, type DatabaseHandle } from '../../models/connection.js';
import { createBot, type CreateBotOptions, type CreatedBot } from '../../bot/create-bot.js';
import type { Feature } from '../../bot/feature.js';
import { testLogger } from '../../logging/logger.js';
import { TeamsActivities } from '../helpers/teams-activity.js';

/** The bot on the real embedded database, driven through botbuilder's TestAdapter. */
export interface BotHarness extends CreatedBot {
  readonly config: Config;
  readonly db: DatabaseHandle;
  readonly dataDir: string;
  readonly teams: TeamsActivities;
  /** Activities the bot updated in place (Action.Submit results replacing the clicked card). */
  readonly updates: Partial<Activity>[];
  /** Runs one activity through the bot and returns everything it sent in that turn. */
  send(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Runs activities concurrently (as Teams may deliver them) and returns everything sent. */
  sendTogether(activities: Partial<Activity>[]): Promise<Partial<Activity>[]>;
  /** A new bot (and database connection) on the same data, as after a restart. */
  restart(): Promise<BotHarness>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface BotHarnessOptions {
  readonly features?: Feature[];
  readonly dataDir?: string;
  /** Answers the Teams roster lookups (TeamsInfo.getMember); unset: there is no roster. */
  readonly roster?: (conversationId: string, userId: string) => Promise<Record<string, unknown>>;
  /** Where the bot sends in-place updates of other copies (the outbox in the app). */
  readonly cardCopies?: CreateBotOptions['cardCopies'];
}

export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bot-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const logger = testLogger();
  const db = await connectDatabase(config, logger);
  const created = await createBot({
    config,
    logger,
    connection: db.connection,
    features: options.features,
    ...(options.cardCopies ? { cardCopies: options.cardCopies } : {}),
  });
  const adapter = new TestAdapter((ctx) => created.bot.run(ctx));
  const updates: Partial<Activity>[] = [];
  adapter.updateActivity = async (_ctx, activity) => void updates.push(activity);
  const { roster } = options;
  if (roster) {
    adapter.use(async (ctx, next) => {
      const client = { conversations: { getConversationMember: roster } };
      ctx.turnState.set(ctx.adapter.ConnectorClientKey, client);
      await next();
    });
  }
  const harness: BotHarness = {
    ...created,
    config,
    db,
    dataDir,
    updates,
    teams: new TeamsActivities({ serviceUrl: 'https://smba.example/teams/' }),
    async send(activity) {
      adapter.activeQueue.splice(0);
      await adapter.processActivity({ ...activity } as Activity);
      return adapter.activeQueue.splice(0);
    },
    async sendTogether(activities) {
      adapter.activeQueue.splice(0);
      await Promise.all(activities.map((a) => adapter.processActivity({ ...a } as Activity)));
      return adapter.activeQueue.splice(0);
    },
    async restart() {
      await harness.stop({ keepData: true });
      return startBotHarness({ ...options, dataDir });
    },
    async stop({ keepData = false } = {}) {
      await db.close();
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** All text of what the bot sent: message texts and every TextBlock/FactSet/button of its cards. */
export function visibleText(activities: Partial<Activity>[]): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (['text', 'title', 'value', 'label'].includes(k) && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  for (const a of activities) {
    if (a.text) parts.push(a.text);
    walk(a.attachments?.map((x) => x.content));
  }
  return parts.join('\n');
}

/** The Adaptive Cards among what the bot sent. */
export function cardsOf(activities: Partial<Activity>[]): Record<string, any>[] {
  return activities.flatMap((a) =>
    (a.attachments ?? [])
      .filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((x) => x.content as Record<string, any>)
  );
}

/** Titles and data of a card's actions (buttons). */
export function buttonsOf(
  card: Record<string, any>
): { title: string; data: Record<string, unknown> }[] {
  return ((card.actions ?? []) as { title: string; data: Record<string, unknown> }[]).map((a) => ({
    title: a.title,
    data: a.data,
  }));
}
