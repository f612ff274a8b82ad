import { render as renderInvitation } from '../../../cards/relationships/reseller-invitation.card.js';
import { userText } from '../../../cards/shared/user-text.js';
import type { NotificationSubject, Notifier } from '../../../domain/notifications/notification.js';
import type { Partner } from '../../../domain/partners/partner.js';
import { ROLE_MATRIX } from '../../../domain/partners/roles.js';
import type { ResellerInvitation } from '../../../domain/relationships/reseller-invitation.js';
import type { ResellerInvitationNotifier } from '../../../domain/relationships/reseller-invitation.service.js';
import { t } from '../../../i18n/i18n.js';

/** Who may accept it: those who may manage the reseller's relationships (Global admins and Admin agents). */
const MANAGERS = ROLE_MATRIX['relationships.manage'].roles;

/**
 * An enrolled reseller's admins get the provider's invitation through the outbox, after the
 * provider's turn has answered the same as for an address nobody enrolled. The key is the
 * invitation's, so it goes out once.
 */
export class OutboxResellerInvitationNotifier implements ResellerInvitationNotifier {
  constructor(private readonly notifier: Notifier) {}

  async invited(invitation: ResellerInvitation, provider: Partner, reseller: Partner) {
    await this.notifier.notify({
      key: `resellerInvitation:${invitation.id}:sent`,
      to: { kind: 'partnerRoles', partnerRef: reseller.id, roles: MANAGERS },
      subject: subjectOf(invitation),
      content: (lang) => ({
        text: t(lang, 'relationships:resellerInvitation.title', {
          provider: userText(provider.legalName),
        }),
        card: renderInvitation(
          {
            invitationRef: invitation.id,
            provider,
            reseller,
            grant: invitation.grant,
            expiresAt: invitation.expiresAt,
          },
          lang
        ),
      }),
    });
  }

  /**
   * Every admin's copy, the clicked one included, re-rendered as accepted: no Accept left live
   * on a colleague's card (the Authorize card goes to each of them).
   */
  async accepted(invitation: ResellerInvitation, provider: Partner, reseller: Partner) {
    await this.notifier.updateCards(
      subjectOf(invitation),
      (lang) =>
        renderInvitation(
          {
            invitationRef: invitation.id,
            provider,
            reseller,
            grant: invitation.grant,
            expiresAt: invitation.expiresAt,
            accepted: true,
          },
          lang
        ),
      { key: `resellerInvitation:${invitation.id}:accepted:cards` }
    );
  }
}

/** The invitation card's copies, one per admin it was sent to. */
function subjectOf(invitation: ResellerInvitation): NotificationSubject {
  return { type: 'resellerInvitation', id: invitation.id };
}
