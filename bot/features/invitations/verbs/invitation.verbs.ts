import { z } from 'zod';
import { render as renderHistory } from '../../../../cards/invitations/invitation-history.card.js';
import { RESELLER_ONLY } from '../../../../cards/invitations/invite-form.card.js';
import { userText } from '../../../../cards/shared/user-text.js';
import { withNotice } from '../../../../cards/shared/with-notice.js';
import { Verbs } from '../../../../cards/verbs.js';
import { NotFoundError } from '../../../../domain/errors.js';
import { invitationActions } from '../../../../domain/invitations/invitation.js';
import { t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import { invitationCreatedSubject, invitationSubject } from '../invitation-cards.js';
import type { InvitationViews, InvitationsFeatureDeps } from '../invitation-views.js';
import { ref, onInvitation, pageNumber } from '../invitation-inputs.js';

/**
 * The inviting partners' side of one invitation: create, view, history, Done (the link and
 * code leave the chat), revoke, resend.
 */
export function invitationVerbs(
  deps: InvitationsFeatureDeps,
  views: InvitationViews
): CardAction[] {
  const { service, memberships } = deps;
  const { viewerOf, cardOf, createdCard, listCard, inviteForm, listPageOf, searchOf, current } =
    views;
  return [
    cardAction({
      verb: Verbs.invitationView,
      schema: onInvitation,
      scope: 'personal',
      async handle(scope, data) {
        const view = await service.get(scope.actor, data.invitationRef);
        return { card: (await cardOf(scope, view, undefined, listPageOf(data))).card };
      },
    }),
    cardAction({
      verb: Verbs.invitationHistory,
      schema: onInvitation,
      scope: 'personal',
      async handle(scope, data) {
        const view = await service.get(scope.actor, data.invitationRef);
        // The audit trail is the partners' (the customer sees the card's own status line).
        if ((await viewerOf(scope.actor, view)) !== 'partner') {
          throw new NotFoundError('invitations:errors.notFound');
        }
        return {
          card: renderHistory(
            {
              invitationRef: view.invitation.id,
              company: view.invitation.customer?.companyName ?? '',
              history: view.invitation.history,
              ...listPageOf(data),
            },
            scope.language
          ),
        };
      },
    }),
    cardAction({
      verb: Verbs.invitationCreate,
      schema: z
        .object({
          relationshipRef: z.union([ref, z.literal(RESELLER_ONLY), z.literal('')]).optional(),
          companyName: z.string().max(200).optional(),
          adminEmail: z.string().max(300).optional(),
          note: z.string().max(2000).optional(),
        })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const created = await service.inviteCustomer(scope.actor, {
          companyName: data.companyName ?? '',
          ...(data.adminEmail ? { adminEmail: data.adminEmail } : {}),
          ...(data.note ? { note: data.note } : {}),
          ...(data.relationshipRef && data.relationshipRef !== RESELLER_ONLY
            ? { relationshipRef: data.relationshipRef }
            : {}),
        });
        return {
          card: createdCard(created, scope.language),
          recordAs: invitationCreatedSubject(created.view.invitation.id),
        };
      },
      // A refused invite shows on the form, what was typed kept.
      current: (scope) => inviteForm(scope),
    }),
    cardAction({
      verb: Verbs.invitationDone,
      schema: onInvitation,
      scope: 'personal',
      async handle(scope, data) {
        // The link and code leave the chat; the card goes on showing the invitation's state.
        const view = await service.get(scope.actor, data.invitationRef);
        const note = t(scope.language, 'invitations:created.closed', {
          company: userText(view.invitation.customer?.companyName ?? ''),
        });
        return {
          card: (await cardOf(scope, view, note)).card,
          recordAs: invitationSubject(view.invitation.id, 'partner'),
        };
      },
    }),
    cardAction({
      verb: Verbs.invitationRevoke,
      schema: onInvitation.extend({ confirmed: z.enum(['yes', '']).optional() }),
      scope: 'personal',
      async handle(scope, data) {
        if (data.confirmed !== 'yes') {
          // First click: what revoking does, and a second button to mean it (as End).
          await memberships.authorize(scope.actor, 'invitations.manage');
          const view = await service.get(scope.actor, data.invitationRef);
          // Authorized to manage above: the rule asked is the state's (a pending one is revocable).
          const side = await viewerOf(scope.actor, view);
          if (invitationActions(view.state, { side, mayManage: true }).includes('revoke')) {
            const opts = { ...listPageOf(data), confirmRevoke: true };
            return { card: (await cardOf(scope, view, undefined, opts)).card };
          }
        }
        const { view } = await service.revoke(scope.actor, data.invitationRef);
        const note = t(scope.language, 'invitations:card.revokedNow');
        if (data.page !== undefined) {
          const { list } = listPageOf(data);
          const card = await listCard(scope, pageNumber.parse(data.page), searchOf(list));
          return { card: withNotice(card, { text: note }) };
        }
        return {
          card: (await cardOf(scope, view, note)).card,
          recordAs: invitationSubject(view.invitation.id, 'partner'),
        };
      },
      current,
    }),
    cardAction({
      verb: Verbs.invitationResend,
      schema: onInvitation,
      scope: 'personal',
      async handle(scope, data) {
        const created = await service.resend(scope.actor, data.invitationRef);
        return {
          card: createdCard(created, scope.language),
          recordAs: invitationCreatedSubject(created.view.invitation.id),
        };
      },
      current,
    }),
  ];
}
