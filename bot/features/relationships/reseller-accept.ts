import { render as renderRelationship } from '../../../cards/relationships/relationship.card.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import { can } from '../../../domain/partners/roles.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import type { RelationshipService } from '../../../domain/relationships/relationship.service.js';
import {
  RESELLER_CODE_KIND,
  type ResellerInvitationService,
} from '../../../domain/relationships/reseller-invitation.service.js';
import { looksLikeToken, normalizeCode } from '../../../domain/invitations/invitation-secrets.js';
import { t } from '../../../i18n/i18n.js';
import type { TurnScope } from '../../feature.js';
import { relationshipSubject } from './relationship-subjects.js';

/**
 * `accept` for a provider's reseller invitation: an `R-` code, or the token of a
 * `/relationships/` link. `accept` is one command for every kind of invitation (invitations'
 * feature owns it and asks this first); false when the text is not one of these.
 */
export type InvitationAcceptor = (scope: TurnScope, text: string) => Promise<boolean>;

export function resellerInvitationAcceptor(deps: {
  readonly service: RelationshipService;
  readonly invitations: ResellerInvitationService;
  readonly memberships: MembershipService;
}): InvitationAcceptor {
  const { service, invitations, memberships } = deps;
  return async (scope, text) => {
    const typed = text.trim().slice(0, 200);
    const isCode = normalizeCode(typed)?.startsWith(RESELLER_CODE_KIND) ?? false;
    if (!isCode && !looksLikeToken(typed)) return false;
    const accepted = await invitations.accept(scope.actor, typed);
    // A token of another kind's link: not ours to answer.
    if (!accepted) return false;
    const { relationship, created } = accepted;
    const view = await service.view(scope.actor, relationship.id);
    const values = { provider: view.provider.legalName };
    if (created) {
      // The Authorize card goes to every Global admin and Admin agent, this person too,
      // through the outbox: a second copy here would be the same card twice.
      await scope.turn.sendActivity(t(scope.language, 'relationships:accept.cardComing', values));
      return true;
    }
    const canManage = can('relationships.manage', (await memberships.rolesOf(scope.actor)).roles);
    const card = withNotice(renderRelationship({ view, canManage }, scope.language), {
      text: t(scope.language, 'relationships:accept.opened', values),
    });
    await scope.sendCard(card, relationshipSubject(relationship.id, 'reseller'));
    return true;
  };
}
