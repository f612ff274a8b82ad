import type { AppContext, AppModule } from '../../app-module.js';
import { outboxFeature } from './outbox.feature.js';
import { serviceUrlProblem } from '../../activity-guard.js';
import { BotProactiveSender, type ProactiveSender } from '../../proactive-sender.js';
import type { OwedNoticeSweeps } from '../../../domain/notices/owed-notices.js';
import type { RecipientDirectory } from '../../../domain/notifications/notification.js';
import { MongoLeaderLease } from '../../../models/notifications/lease.repository.js';
import { MongoNotificationOutbox } from '../../../models/notifications/notification.repository.js';
import type { Clock } from '../../../notifications/clock.js';
import { MongoDeliveryDirectory } from '../../../models/notifications/delivery-directory.js';
import { DELIVERY_LEASE } from '../../../notifications/delivery-leadership.js';
import {
  DeliveryWorker,
  type DeliveryWorkerOptions,
} from '../../../notifications/delivery.worker.js';
import { NodemailerMailService, type MailService } from '../../../notifications/mail.service.js';
import { NotificationService } from '../../../notifications/notification.service.js';
import { SealedBox } from '../../../notifications/sealed-box.js';
import { randomBytes } from 'node:crypto';

export interface NotificationsOptions {
  /** Partner-role recipients (the partners module's memberships). */
  readonly recipients?: RecipientDirectory;
  readonly mail?: MailService;
  readonly sender?: ProactiveSender;
  readonly clock?: Clock;
  /**
   * The key material of sealed outbox parts (queued invitation mails): `INVITATION_CODE_KEY`,
   * the same in every process. Unset (unit tests): a key of this process only.
   */
  readonly sealKey?: Uint8Array;
  /** false: enqueue only, no delivery in this process. Default true. */
  readonly runWorker?: boolean;
  readonly worker?: Partial<
    Omit<
      DeliveryWorkerOptions,
      'outbox' | 'directory' | 'sender' | 'mail' | 'sealer' | 'clock' | 'logger' | 'leaderLease'
    >
  >;
}

/** Everything notifications offer the rest of the app, as an AppModule for createApp. */
export interface Notifications extends AppModule {
  /** `notify`, `updateCards`, `deliverPendingFor`, `health`. */
  readonly service: NotificationService;
  readonly mail: MailService;
  readonly worker?: DeliveryWorker;
  /** Periodic repair work run by the worker (no-op when this process runs no worker). */
  addSweep(name: string, run: () => Promise<void>): void;
  /** Features' owed notices, repaired by the worker's sweep (every minute). */
  readonly owedNotices: OwedNoticeSweeps;
}

/**
 * Builds the outbox, mail, delivery worker, `outbox` command and /healthz contribution on the
 * app's database and adapter. The worker starts with the app and stops before the DB closes.
 */
export function createNotifications(
  ctx: AppContext,
  opts: NotificationsOptions = {}
): Notifications {
  const { config, logger, db, adapter } = ctx;
  const clock = opts.clock ?? ctx.clock;
  const outbox = new MongoNotificationOutbox(db.connection);
  const directory = new MongoDeliveryDirectory(db.connection, () => new Date(clock.now()));
  const ownMail = opts.mail ? undefined : new NodemailerMailService(config, logger);
  const mail = opts.mail ?? ownMail!;
  const sealer = new SealedBox(opts.sealKey ?? randomBytes(32));
  const worker =
    opts.runWorker === false
      ? undefined
      : new DeliveryWorker({
          outbox,
          directory,
          mail,
          sealer,
          clock,
          logger,
          sender:
            opts.sender ??
            new BotProactiveSender(adapter, config.microsoftAppId ?? '', undefined, (url) =>
              // The same hosts the messages route accepts (bot/activity-guard.ts).
              serviceUrlProblem(url, {
                openMode: !config.microsoftAppId,
                trusted: config.trustedServiceUrlHosts,
              })
            ),
          tenantMessagesPerSecond: config.tenantMessagesPerSecond,
          leaderLease: new MongoLeaderLease(db.connection, DELIVERY_LEASE),
          ...(ctx.deliveryMetrics ? { metrics: ctx.deliveryMetrics } : {}),
          ...opts.worker,
        });
  const service = new NotificationService({
    outbox,
    directory,
    recipients: opts.recipients,
    operatorAadObjectIds: config.operatorAadObjectIds,
    sealer,
    clock,
    logger,
    onEnqueued: () => worker?.wake(),
  });
  return {
    service,
    mail,
    worker,
    cardCopies: service,
    features: [
      outboxFeature({ notifications: service, operatorAadObjectIds: config.operatorAadObjectIds }),
    ],
    healthContributors: [
      () => service.health(),
      async () => ({ delivery: !worker ? 'off' : worker.delivering ? 'this process' : 'standby' }),
    ],
    addSweep: (name, run) => worker?.addSweep(name, run),
    owedNotices: {
      register: (notices) =>
        worker?.addSweep(`${notices.name}-notices`, async () => void (await notices.sweep())),
    },
    async start() {
      await outbox.init();
      worker?.start();
    },
    async stop() {
      await worker?.stop();
      ownMail?.close();
    },
  };
}
