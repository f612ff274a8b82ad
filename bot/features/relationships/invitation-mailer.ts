import { dayText } from '../../../cards/relationships/relationship-text.js';
import type { InvitationMailer } from '../../../domain/relationships/reseller-invitation.service.js';
import type { Logger } from '../../../logging/logger.js';
import type { MailService } from '../../../notifications/mail.service.js';

/**
 * The invitation mail, sent while the provider waits: its card then says honestly whether the
 * mail went out, and shows the link and code to send by hand when it did not.
 */
export class MailInvitationMailer implements InvitationMailer {
  constructor(
    private readonly mail: MailService,
    private readonly logger: Logger
  ) {}

  async sendResellerInvitation(
    input: Parameters<InvitationMailer['sendResellerInvitation']>[0]
  ): Promise<boolean> {
    try {
      await this.mail.send({
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
      });
      return true;
    } catch (err) {
      // MailSendError has every address masked already.
      this.logger.warn({ err }, 'reseller invitation mail not sent');
      return false;
    }
  }
}
