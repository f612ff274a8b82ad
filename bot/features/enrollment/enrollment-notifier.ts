import { render as renderReview } from '../../../cards/enrollment/review.card.js';
import type { EnrollmentNotifier } from '../../../domain/enrollment/enrollment-notifier.js';
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

/** What operators' review cards are about, so a decision re-renders all of them in place. */
export function applicationSubject(partner: Pick<Partner, 'id'>): NotificationSubject {
  return { type: 'application', id: partner.id };
}

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
    logger: Logger
  ) {
    this.log = logger.child({ module: 'enrollment-notifier' });
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
      // Teams renders the text as markdown; the mail gets the values as typed (HTML-escaped there).
      content: (lang) => ({
        text: t(lang, `enrollment:outcome.${decision.outcome}`, {
          ...values,
          legalName: userText(values.legalName),
          partnerId: userText(values.partnerId),
          reason: userText(values.reason),
        }),
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
