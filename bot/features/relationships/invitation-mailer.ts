import { randomUUID } from 'node:crypto';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { render as renderInvitation } from '../../../cards/relationships/sent-invitation.card.js';
import type { NotificationSubject } from '../../../domain/notifications/notification.js';
import type {
  InvitationMailer,
  ResellerInvitationService,
} from '../../../domain/relationships/reseller-invitation.service.js';
import type { Language } from '../../../i18n/i18n.js';
import type { Logger } from '../../../logging/logger.js';
import type { MailListener } from '../../../notifications/delivery.worker.js';
import type { QueuedMail } from '../../../notifications/notification.service.js';
import { resellerInvitationSentSubject } from './relationship-subjects.js';

/**
 * The invitation mail, queued in the outbox: the provider's click does not wait for SMTP. The
 * link and code are sealed there (and ride along sealed, to redraw the card with the outcome).
 */
export class MailInvitationMailer implements InvitationMailer {
  constructor(
    private readonly outbox: { queueMail(mail: QueuedMail): Promise<void> },
    private readonly logger: Logger
  ) {}

  async sendResellerInvitation(
    input: Parameters<InvitationMailer['sendResellerInvitation']>[0]
  ): Promise<boolean> {
    try {
      await this.outbox.queueMail({
        // One per call: the service calls once per link it drew (an invite, or a Resend that
        // won its conditional update); nothing about the link itself goes into the clear key.
        key: `resellerInvitationMail:${input.invitationRef}:${randomUUID()}`,
        to: input.to,
        templateKey: 'resellerInvitation',
        language: input.language,
        values: {
          provider: input.provider.legalName,
          partnerId: input.provider.partnerId,
          link: input.link,
          code: input.code,
          expiresAt: dayText(input.language, input.expiresAt),
        },
        subject: resellerInvitationSentSubject(input.invitationRef),
        context: { link: input.link, code: input.code },
      });
      return true;
    } catch (err) {
      this.logger.warn({ err }, 'reseller invitation mail not queued');
      return false;
    }
  }
}

/**
 * Redraws the provider's card once the mail went out or failed for good (link and code kept
 * for sending by hand), while the invitation still waits on this link; the update is sealed
 * in the outbox, as the card holds the code.
 */
export function resellerInvitationMailOutcome(
  invitations: Pick<ResellerInvitationService, 'mailedView'>,
  cards: {
    updateCards(
      subject: NotificationSubject,
      content: (language: Language) => Record<string, unknown>,
      opts: { key?: string; secret?: boolean }
    ): Promise<void>;
  }
): MailListener {
  return async ({ item, outcome, context }) => {
    const link = typeof context?.link === 'string' ? context.link : undefined;
    const code = typeof context?.code === 'string' ? context.code : undefined;
    const token = link?.slice(link.lastIndexOf('/') + 1);
    if (!item.subject || !link || !code || !token) return;
    const shown = await invitations.mailedView(item.subject.id, token);
    if (!shown) return;
    const { invitation, provider } = shown;
    await cards.updateCards(
      item.subject,
      (lang) =>
        renderInvitation(
          {
            provider,
            email: invitation.email,
            grant: invitation.grant,
            link,
            code,
            expiresAt: invitation.expiresAt,
            mailed: outcome,
          },
          lang
        ),
      { key: `${item.key}:${outcome}`, secret: true }
    );
  };
}
