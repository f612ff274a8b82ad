import { dayText } from '../../../../cards/relationships/relationship-text.js';
import { userText } from '../../../../cards/shared/user-text.js';
import { Verbs } from '../../../../cards/verbs.js';
import { formatList, t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import { invitationSubject } from '../invitation-cards.js';
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
        const company = userText(view.invitation.customer?.companyName ?? '');
        const partners = formatList(
          scope.language,
          [view.reseller, view.provider].filter(Boolean).map((p) => userText(p!.legalName))
        );
        const note = !changedNow
          ? // The same person's second click: what they did, and when (another's is refused).
            t(scope.language, 'invitations:card.doneByYou', {
              context: view.state,
              date: dayText(scope.language, view.invitation.decidedAt ?? new Date()),
            })
          : run === 'accept'
            ? t(scope.language, 'invitations:card.acceptedNow', { company, partners })
            : t(scope.language, 'invitations:card.declinedNow', {
                reseller: userText(view.reseller.legalName),
              });
        return {
          card: (await cardOf(scope, view, note)).card,
          recordAs: invitationSubject(view.invitation.id, 'customer'),
        };
      },
      current,
    });

  return [decide(Verbs.invitationAccept, 'accept'), decide(Verbs.invitationDecline, 'decline')];
}
