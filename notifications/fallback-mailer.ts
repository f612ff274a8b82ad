import type { NotificationOutbox, OutboxItem } from './notification-outbox.port.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from './clock.js';
import type { DeliveryDirectory } from './delivery-directory.port.js';
import type { MailService } from './mail.service.js';
import { plainText } from './notification.service.js';

/** A dead letter whose mail is still `pending` this long is assumed orphaned by a crash. */
const ORPHANED_AFTER_MS = 5 * 60_000;

/** Mails a dead-lettered notification to the recipient's known address. */
export class FallbackMailer {
  constructor(
    private readonly outbox: NotificationOutbox,
    private readonly directory: DeliveryDirectory,
    private readonly mailer: MailService,
    private readonly clock: Clock,
    private readonly log: Logger
  ) {}

  async emailOf(item: OutboxItem): Promise<string | undefined> {
    if (!item.to.tenantId) return undefined;
    const user = await this.directory.user({
      tenantId: item.to.tenantId,
      aadObjectId: item.to.aadObjectId,
    });
    return user?.email ?? (user?.upn?.includes('@') ? user.upn : undefined);
  }

  async mail(item: OutboxItem, email: string): Promise<void> {
    try {
      await this.mailer.send({
        to: email,
        language: item.language,
        templateKey: item.mailFallback?.templateKey ?? 'notificationFallback',
        values: item.mailFallback?.values ?? { text: plainText(item.content) },
      });
      await this.outbox.setMailState(item.id, 'sent');
    } catch (err) {
      this.log.error({ err, id: item.id }, 'fallback mail failed');
      await this.outbox.setMailState(item.id, 'failed');
    }
  }

  /** Mails dead letters left `pending` by a crash between dead-lettering and mailing. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const cutoff = now - ORPHANED_AFTER_MS;
    for (const item of await this.outbox.deadAwaitingMail(50)) {
      if (!item.deadAt || item.deadAt.getTime() > cutoff) continue;
      // Another process sweeping at the same moment (a lease hand-over) must not mail it too.
      if (!(await this.outbox.claimFallbackMail(item.id, new Date(now), new Date(cutoff))))
        continue;
      const email = await this.emailOf(item);
      if (email) await this.mail(item, email);
      else await this.outbox.setMailState(item.id, 'none');
    }
  }
}
