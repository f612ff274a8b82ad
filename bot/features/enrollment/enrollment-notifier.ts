import { render as renderQueue } from '../../../cards/enrollment/review-queue.card.js';
import { render as renderReview } from '../../../cards/enrollment/review.card.js';
import { render as renderNotice } from '../../../cards/shared/notice.card.js';
import type { EnrollmentNotifier } from '../../../domain/enrollment/enrollment-notifier.port.js';
import type { Notifier, NotificationSubject } from '../../../domain/notifications/notification.js';
import type { Partner } from '../../../domain/partners/partner.js';
import type { MailSender } from '../../../domain/enrollment/verification.service.js';
import { hasKey, t } from '../../../i18n/i18n.js';
import type { Logger } from '../../../logging/logger.js';
import { userText } from '../../../cards/shared/user-text.js';

/** Mail templates of the decision (`mail:<key>`), values name, legalName, partnerId, reason. */
export const DECISION_MAIL_TEMPLATES = {
  approved: 'enrollmentApproved',
  rejected: 'enrollmentRejected',
} as const;

/** What an approved applicant (Global admin and Admin agent) does first, by partner type. */
const APPROVED_STEPS = {
  reseller: [
    { command: 'directory', title: { key: 'enrollment:outcomeCard.directory' } },
    { command: 'invite customer', title: { key: 'enrollment:outcomeCard.inviteCustomer' } },
    { command: 'users', title: { key: 'enrollment:outcomeCard.users' } },
  ],
  provider: [
    { command: 'invite', title: { key: 'enrollment:outcomeCard.inviteReseller' } },
    { command: 'users', title: { key: 'enrollment:outcomeCard.users' } },
  ],
} as const;

/** What operators' review cards are about, so a decision re-renders all of them in place. */
export function applicationSubject(partner: Pick<Partner, 'id'>): NotificationSubject {
  return { type: 'application', id: partner.id };
}

/** The operators' review queue card: one subject, so every copy shows the same queue. */
export const REVIEW_QUEUE_SUBJECT: NotificationSubject = { type: 'reviewQueue', id: 'operators' };

/**
 * Enrollment's side effects through the notification outbox: the review card to every operator,
 * in-place card updates when one decides, and the outcome to the applicant (Teams) and the
 * primary contact (mail). Keys derive from the state change, so a retried call never repeats.
 */
export class OutboxEnrollmentNotifier implements EnrollmentNotifier {
  private readonly log: Logger;

  constructor(
    private readonly notifier: Notifier,
    private readonly mail: MailSender,
    logger: Logger,
    private readonly queue?: { reviewQueue(): Promise<Partner[]> }
  ) {
    this.log = logger.child({ module: 'enrollment-notifier' });
  }

  /** Every queue card an operator opened shows the queue as it now is (in place). */
  private async updateQueues(stamp: string): Promise<void> {
    if (!this.queue) return;
    const partners = await this.queue.reviewQueue();
    await this.notifier.updateCards(
      REVIEW_QUEUE_SUBJECT,
      (lang) => renderQueue({ partners }, lang),
      {
        key: `reviewQueue:${stamp}`,
      }
    );
  }

  async submittedForReview(partner: Partner): Promise<void> {
    await this.notifier.notify({
      key: `application:${partner.id}:review:${partner.submittedAt.toISOString()}`,
      to: { kind: 'operators' },
      subject: applicationSubject(partner),
      content: (language) => ({
        text: t(language, 'enrollment:review.notifyText', {
          legalName: userText(partner.legalName),
          partnerType: t(language, `enrollment:partnerTypes.${partner.partnerType}`),
        }),
        card: renderReview({ partner }, language),
      }),
    });
    await this.updateQueues(`${partner.id}:review:${partner.submittedAt.toISOString()}`);
  }

  async decided(partner: Partner): Promise<void> {
    const decision = partner.decision;
    if (!decision) return;
    const stamp = `${partner.id}:${decision.outcome}:${decision.at.toISOString()}`;
    await this.notifier.updateCards(
      applicationSubject(partner),
      (lang) => renderReview({ partner }, lang),
      {
        key: `application:${stamp}:cards`,
      }
    );
    await this.updateQueues(stamp);
    const values = {
      name: partner.contactFirstName,
      legalName: partner.legalName,
      partnerId: partner.partnerId,
      reason: decision.reason ?? '',
    };
    await this.notifier.notify({
      key: `application:${stamp}:applicant`,
      to: {
        kind: 'user',
        user: {
          tenantId: partner.submittedBy.tenantId,
          aadObjectId: partner.submittedBy.aadObjectId,
        },
      },
      content: (lang) => ({
        // The next steps as buttons: once approved, the partner type's first steps and roles;
        // fix and resubmit if not.
        card: renderNotice(
          {
            title: { key: `enrollment:outcomeCard.title_${decision.outcome}` },
            // Teams renders markdown: what the applicant typed is shown, never interpreted.
            message: {
              key:
                decision.outcome === 'approved'
                  ? `enrollment:outcome.approved_${partner.partnerType}`
                  : 'enrollment:outcome.rejected',
              values: {
                ...values,
                legalName: userText(values.legalName),
                partnerId: userText(values.partnerId),
                reason: userText(values.reason),
              },
            },
            tone: decision.outcome === 'approved' ? 'good' : 'attention',
            steps:
              decision.outcome === 'approved'
                ? APPROVED_STEPS[partner.partnerType]
                : [{ command: 'enroll', title: { key: 'enrollment:outcomeCard.enroll' } }],
          },
          lang
        ),
      }),
    });
    const template = DECISION_MAIL_TEMPLATES[decision.outcome];
    if (!hasKey('en', `mail:${template}.subject`)) {
      // Not silent: the contact is told in Teams only until the template exists.
      this.log.warn({ template }, 'decision mail template missing; contact not mailed');
      return;
    }
    // Last, and allowed to throw: the notices stay owed and the sweep calls this again, when
    // the Teams parts above are no-ops by their keys and only the mail is tried anew.
    await this.mail.send({
      to: partner.contactEmail,
      templateKey: template,
      language: partner.language ?? 'en',
      values,
    });
  }
}
