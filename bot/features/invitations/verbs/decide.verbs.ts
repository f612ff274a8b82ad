import { dayText } from '../../../../cards/relationships/relationship-text.js';
import { Verbs } from '../../../../cards/verbs.js';
import { t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import { answeredNote, invitationSubject } from '../invitation-cards.js';
import type { InvitationViews, InvitationsFeatureDeps } from '../invitation-views.js';
import { onInvitation } from '../invitation-inputs.js';

/**
 * The customer's Accept and Decline.
 */
export function decideVerbs(deps: InvitationsFeatureDeps, views: InvitationViews): CardAction[] {
  const { service } = deps;
  const { cardOf, current } = views;
  /** Accept / Decline by the customer: the card changes for every copy through the notices. */
  const decide = (verb: string, run: 'accept' | 'decline') =>
    cardAction({
      verb,
      schema: onInvitation,
      scope: 'personal',
      async handle(scope, data) {
        const { view, changedNow } = await service[run](scope.actor, data.invitationRef);
        const note = !changedNow
          ? // The same person's second click: what they did, and when (another's is refused).
            t(scope.language, 'invitations:card.doneByYou', {
              context: view.state,
              date: dayText(scope.language, view.invitation.decidedAt ?? new Date()),
            })
          : answeredNote(view, scope.language);
        return {
          card: (await cardOf(scope, view, note)).card,
          recordAs: invitationSubject(view.invitation.id, 'customer'),
        };
      },
      current,
    });

  return [decide(Verbs.invitationAccept, 'accept'), decide(Verbs.invitationDecline, 'decline')];
}
