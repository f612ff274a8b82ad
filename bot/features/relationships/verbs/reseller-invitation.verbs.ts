import { z } from 'zod';
import { render as renderRelationship } from '../../../../cards/relationships/relationship.card.js';
import { render as renderResellerInvitation } from '../../../../cards/relationships/reseller-invitation.card.js';
import { userText } from '../../../../cards/shared/user-text.js';
import { withNotice } from '../../../../cards/shared/with-notice.js';
import { Verbs } from '../../../../cards/verbs.js';
import { t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import { relationshipSubject, resellerInvitationSentSubject } from '../relationship-subjects.js';
import type { RelationshipViews, RelationshipsFeatureDeps } from '../relationship-views.js';
import { ref, grantInput } from '../relationship-inputs.js';

/** A provider invites a reseller by mail or PartnerID: invite, accept, revoke, resend. */
export function resellerInvitationVerbs(
  deps: RelationshipsFeatureDeps,
  views: RelationshipViews
): CardAction[] {
  const { service, invitations, memberships } = deps;
  const { mayManage, listCard, inviteForm, sentCard } = views;
  return [
    cardAction({
      verb: Verbs.relationshipInvite,
      schema: z
        .object({
          email: z.string().max(254).optional(),
          partnerId: z.string().max(20).optional(),
          ...grantInput,
        })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const { roles, durationDays, autoExtend } = data;
        const sent = await invitations.invite(
          scope.actor,
          {
            email: data.email ?? '',
            ...(data.partnerId ? { partnerId: data.partnerId } : {}),
            grant: { roles, durationDays, autoExtend },
          },
          scope.language
        );
        // The same card whether or not the address or PartnerID belongs to an enrolled
        // reseller: the provider learns who it is only when the reseller accepts.
        return {
          card: sentCard(scope, sent),
          recordAs: resellerInvitationSentSubject(sent.invitation.id),
        };
      },
      // A refused invite shows on the form, what was typed kept.
      current: (scope) => inviteForm(scope),
    }),
    cardAction({
      verb: Verbs.resellerInvitationAccept,
      schema: z.object({ invitationRef: ref }).passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const { relationship, created, invitation } = await invitations.acceptSent(
          scope.actor,
          data.invitationRef
        );
        const view = await service.view(scope.actor, relationship.id);
        const values = { provider: userText(view.provider.legalName) };
        if (created) {
          // The Authorize card comes through the outbox to every admin, this one too.
          const card = renderResellerInvitation(
            {
              invitationRef: data.invitationRef,
              provider: view.provider,
              reseller: view.reseller,
              grant: invitation.grant,
              expiresAt: invitation.expiresAt,
              accepted: true,
            },
            scope.language
          );
          return {
            card: withNotice(card, {
              text: t(scope.language, 'relationships:accept.cardComing', values),
            }),
          };
        }
        const canManage = await mayManage(scope.actor);
        return {
          card: withNotice(renderRelationship({ view, canManage }, scope.language), {
            text: t(scope.language, 'relationships:accept.opened', values),
          }),
          recordAs: relationshipSubject(relationship.id, 'reseller'),
        };
      },
    }),
    cardAction({
      verb: Verbs.resellerInvitationRevoke,
      schema: z
        .object({ invitationRef: ref, confirmed: z.enum(['yes', '']).optional() })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        if (data.confirmed !== 'yes') {
          // First click: the row asks to confirm (as End does); only a manager gets there.
          await memberships.authorize(scope.actor, 'relationships.manage');
          return { card: await listCard(scope, 0, false, {}, data.invitationRef) };
        }
        const revoked = await invitations.revoke(scope.actor, data.invitationRef);
        return {
          card: withNotice(await listCard(scope, 0, false), {
            text: t(scope.language, 'relationships:waiting.revoked', {
              email: userText(revoked.email),
            }),
          }),
        };
      },
    }),
    cardAction({
      verb: Verbs.resellerInvitationResend,
      schema: z.object({ invitationRef: ref }).passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const sent = await invitations.resend(scope.actor, data.invitationRef, scope.language);
        return {
          card: sentCard(scope, sent, { backToList: true }),
          recordAs: resellerInvitationSentSubject(sent.invitation.id),
        };
      },
    }),
  ];
}
