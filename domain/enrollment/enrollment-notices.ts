import type { Logger } from '../../logging/logger.js';
import type { EnrollmentNotifier } from './enrollment-notifier.js';
import type { Partner } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner.repository.js';

/** How long a transition's own request gets to send its notices before the sweep takes over. */
export const NOTICE_GRACE_MS = 60_000;
/** After this long a notice that keeps failing is given up, loudly, rather than retried forever. */
export const NOTICE_GIVE_UP_MS = 24 * 60 * 60_000;
const SWEEP_BATCH = 50;

/**
 * The notices a partner's status owes (review cards once under review, the outcome once
 * decided), sent after the transition that stamped `noticeOwedAt` on the record in the same
 * conditional update. Without multi-document transactions that stamp is what makes a crash, or
 * a database outage, between the status change and the outbox harmless: the stamp stays, and
 * the sweep sends again; the outbox's idempotency keys make the second send a no-op for
 * whatever the first one had already enqueued.
 */
export class EnrollmentNotices {
  private readonly log: Logger;

  constructor(
    private readonly partners: PartnerRepository,
    private readonly notifier: EnrollmentNotifier,
    private readonly now: () => Date,
    logger: Logger
  ) {
    this.log = logger.child({ module: 'enrollment-notices' });
  }

  /**
   * Sends what a transition owes. A failure is logged and left to the sweep: the state change
   * is stored and acknowledged, so the person who acted is not told it failed.
   */
  async afterTransition(partner: Partner): Promise<void> {
    try {
      await this.send(partner);
    } catch (err) {
      this.log.error(
        { err, partnerRef: partner.id, status: partner.status },
        'notices not sent; the sweep will retry'
      );
    }
  }

  /** Sends the notices still owed after the grace period; returns how many records it settled. */
  async sweep(): Promise<number> {
    const now = this.now().getTime();
    const owed = await this.partners.listNoticesOwed(new Date(now - NOTICE_GRACE_MS), SWEEP_BATCH);
    let settled = 0;
    for (const partner of owed) {
      const since = partner.noticeOwedAt!;
      try {
        await this.send(partner);
        settled++;
      } catch (err) {
        if (now - since.getTime() < NOTICE_GIVE_UP_MS) {
          this.log.warn({ err, partnerRef: partner.id }, 'owed notices failed again; will retry');
          continue;
        }
        this.log.error({ err, partnerRef: partner.id, since }, 'owed notices given up');
        await this.partners.clearNoticeOwed(partner.id, since);
      }
    }
    return settled;
  }

  private async send(partner: Partner): Promise<void> {
    const since = partner.noticeOwedAt;
    if (!since) return;
    if (partner.status === 'underReview') await this.notifier.submittedForReview(partner);
    else if (partner.status === 'approved' || partner.status === 'rejected') {
      await this.notifier.decided(partner);
    }
    // Conditional on the stamp: a newer transition's notices stay owed.
    await this.partners.clearNoticeOwed(partner.id, since);
  }
}
