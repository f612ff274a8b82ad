import { createAdapter } from '../bot/adapter.js';
import { BotProactiveSender, type ProactiveSender } from '../bot/proactive-sender.js';
import { loadConfig } from '../config/config.js';
import type { RecipientDirectory } from '../domain/notifications/notification.js';
import type { NotificationOutbox } from '../notifications/notification-outbox.port.js';
import { testLogger } from '../logging/logger.js';
import { MongoLeaderLease } from '../models/notifications/lease.repository.js';
import { MongoConversationReferenceRepository } from '../models/notifications/conversation-reference.repository.js';
import { MongoUserRepository } from '../models/partners/user.repository.js';
import { systemClock, type Clock } from '../notifications/clock.js';
import { MongoDeliveryDirectory } from '../models/notifications/delivery-directory.js';
import { DELIVERY_LEASE } from '../notifications/delivery-leadership.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../notifications/delivery.worker.js';
import type { MailMessage, MailService } from '../notifications/mail.service.js';
import { NotificationService } from '../notifications/notification.service.js';
import { FakeConnector, type ConnectorCall } from './fake-connector.js';
import { startOutboxDb } from './outbox-db.js';

export interface TestUser {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly email?: string;
  readonly locale?: string;
}

/** A personal conversation id per user, as Teams would give one. */
export const conversationIdOf = (u: TestUser) => `a:personal-${u.aadObjectId}`;

/** Fast retries for tests; the policy itself is unit-tested. */
export const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 };

/**
 * The notification pipeline on the embedded database, the real CloudAdapter and the fake Bot
 * Connector, with users and conversation references stored as the bot stores them.
 */
export async function startDeliveryHarness(
  opts: {
    clock?: Clock;
    operatorAadObjectIds?: string[];
    recipients?: RecipientDirectory;
    sendTimeoutMs?: number;
  } = {}
) {
  const db = await startOutboxDb();
  const connector = await FakeConnector.start();
  const clock = opts.clock ?? systemClock;
  const logger = testLogger();
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    LOG_LEVEL: 'silent',
    OPERATOR_AAD_OBJECT_IDS: (opts.operatorAadObjectIds ?? []).join(','),
  } as NodeJS.ProcessEnv);
  const adapter = createAdapter(config, logger);
  const sender = new BotProactiveSender(adapter, '', opts.sendTimeoutMs ?? 5_000);
  const directory = new MongoDeliveryDirectory(db.conn);
  const users = new MongoUserRepository(db.conn);
  const references = new MongoConversationReferenceRepository(db.conn);
  const mails: MailMessage[] = [];
  const mail: MailService = { send: async (m) => void mails.push(m) };
  const workers: DeliveryWorker[] = [];

  const service = new NotificationService({
    outbox: db.outbox,
    directory,
    recipients: opts.recipients,
    operatorAadObjectIds: config.operatorAadObjectIds,
    clock,
    logger,
    onEnqueued: () => workers.forEach((w) => w.wake()),
  });

  const harness = {
    db,
    connector,
    service,
    directory,
    references,
    mails,
    clock,
    /** A worker on this database (started); options override the test defaults. */
    worker(
      extra: Partial<DeliveryWorkerOptions> & {
        outbox?: NotificationOutbox;
        sender?: ProactiveSender;
      } = {}
    ) {
      const w = new DeliveryWorker({
        outbox: db.outbox,
        directory,
        sender,
        mail,
        clock,
        logger,
        tenantMessagesPerSecond: 1000,
        leaderLease: new MongoLeaderLease(db.conn, DELIVERY_LEASE),
        // Short, so a test sees a crashed leader replaced in about a second.
        leaderLeaseMs: 1_000,
        retry: FAST_RETRY,
        pollMs: 50,
        updateWaitMs: 50,
        ...extra,
      });
      workers.push(w);
      w.start();
      return w;
    },
    /** The workers started so far. */
    workers: () => [...workers],
    /** Stores the user; `installed` also stores their personal conversation reference. */
    async addUser(u: TestUser, installed = true) {
      await users.recordSeen({
        tenantId: u.tenantId,
        aadObjectId: u.aadObjectId,
        ...(u.email ? { email: u.email } : {}),
      });
      if (installed) await harness.install(u);
    },
    /** What the bot stores when the app is installed (or on any turn) in the personal chat. */
    async install(u: TestUser, conversationId = conversationIdOf(u)) {
      await references.save({
        tenantId: u.tenantId,
        aadObjectId: u.aadObjectId,
        conversationId,
        conversationType: 'personal',
        serviceUrl: connector.url,
        botId: '28:bot',
        reference: {
          channelId: 'msteams',
          serviceUrl: connector.url,
          locale: u.locale ?? 'en-US',
          bot: { id: '28:bot', name: 'Partner Connect' },
          user: { id: `29:${u.aadObjectId}`, aadObjectId: u.aadObjectId },
          conversation: { id: conversationId, conversationType: 'personal', tenantId: u.tenantId },
        },
        gone: false,
        updatedAt: new Date(),
      });
    },
    /** Successful message posts the connector received (not updates), oldest first. */
    posts(): ConnectorCall[] {
      return connector.calls.filter(
        (c) => c.method === 'POST' && /\/activities(\/[^/]+)?$/.test(c.path) && c.status < 300
      );
    },
    /** How many times each text was delivered. */
    deliveredCounts(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const c of harness.posts()) counts.set(c.body.text, (counts.get(c.body.text) ?? 0) + 1);
      return counts;
    },
    async stop() {
      await Promise.all(
        workers.map((w) => Promise.race([w.stop(), new Promise((r) => setTimeout(r, 2000))]))
      );
      await connector.close();
      await db.stop();
    },
  };
  return harness;
}

/** Polls until `check` passes (returns true) or fails the test after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
  everyMs = 40
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
