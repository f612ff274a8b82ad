import { render as renderCustomerStatus } from '../../../cards/customers/customer-status.card.js';
import type { Feature } from '../../feature.js';
import { parseInvitationSubject } from './invitation-cards.js';
import { invitationViews, type InvitationsFeatureDeps } from './invitation-views.js';
import { invitationCommands } from './invitations.commands.js';
import { invitationUnfurl } from './invitation-unfurl.js';
import { customerVerbs } from './verbs/customers.verbs.js';
import { decideVerbs } from './verbs/decide.verbs.js';
import { invitationVerbs } from './verbs/invitation.verbs.js';
import { listVerbs } from './verbs/list.verbs.js';

/**
 * Customer invitations: `invite customer`, `accept <code>` (the one entry point for every kind
 * of invitation code), `customers`, `partners`, `invitations`, and the card verbs Accept,
 * Decline, Revoke, Resend and Done, each copy of an invitation's card kept true in place.
 */
export function invitationsFeature(deps: InvitationsFeatureDeps): Feature {
  const views = invitationViews(deps);
  return {
    standingOf: (actor) => deps.standing.standingOf(actor),
    // A customer's people: its partners, its invitations and what they may do (also a partner's).
    status: {
      visibleTo: async (scope) => (await scope.standing?.()) === 'customer',
      async render(scope) {
        const status = await deps.standing.statusOf(scope.actor);
        return status ? { card: renderCustomerStatus(status, scope.language) } : undefined;
      },
    },
    welcomeSteps: [{ command: 'partners', titleKey: 'customers:steps.partners' }],
    commands: invitationCommands(deps, views),
    cardActions: [
      ...invitationVerbs(deps, views),
      ...decideVerbs(deps, views),
      ...listVerbs(deps, views),
      ...customerVerbs(deps, views),
    ],
    unfurl: invitationUnfurl(deps),
    refreshers: [
      {
        subjectType: 'invitation',
        render: async (scope, subjectId) => {
          const parsed = parseInvitationSubject(subjectId);
          if (!parsed) return undefined;
          return (await views.cardOf(scope, await deps.service.get(scope.actor, parsed.id))).card;
        },
      },
    ],
  };
}
