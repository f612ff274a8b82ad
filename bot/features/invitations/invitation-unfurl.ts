import { render as renderInvitation } from '../../../cards/invitations/invitation.card.js';
import { render as renderNotice } from '../../../cards/shared/notice.card.js';
import { userText } from '../../../cards/shared/user-text.js';
import { t } from '../../../i18n/i18n.js';
import type { Feature } from '../../feature.js';
import { cardData } from './invitation-cards.js';
import type { InvitationsFeatureDeps } from './invitation-views.js';

/**
 * A link of ours pasted into a chat: a customer invitation's facts and Open (the page), never
 * Accept or Revoke buttons; a dead link says only that it is dead.
 */
export function invitationUnfurl(deps: InvitationsFeatureDeps): NonNullable<Feature['unfurl']> {
  const { service } = deps;
  return async (scope, url) => {
    const prefix = `${deps.publicBaseUrl}/invitations/`;
    if (!url.startsWith(prefix)) return undefined;
    const token = url.slice(prefix.length).split(/[?#/]/)[0] ?? '';
    const preview = await service.linkPreview(scope.actor, token);
    if (!preview || preview.view.invitation.kind !== 'customer') return undefined;
    const { view } = preview;
    if (!preview.outcomeShown) {
      // A dead link outside its parties: that it is dead, as its page says, nothing more.
      return {
        card: renderNotice(
          {
            title: { key: 'invitations:page.goneTitle' },
            message: { key: 'invitations:errors.noLongerValid' },
            steps: [],
          },
          scope.language
        ),
        title: t(scope.language, 'invitations:page.goneTitle'),
      };
    }
    // Shared in a chat: the facts and Open (the page), never Accept or Revoke buttons.
    const card = renderInvitation(cardData(view, 'partner', false), scope.language);
    const actions = Array.isArray(card.actions) ? card.actions : [];
    return {
      card: {
        ...card,
        actions: [
          ...actions,
          { type: 'Action.OpenUrl', title: t(scope.language, 'invitations:card.open'), url },
        ],
      },
      title: t(scope.language, 'invitations:card.title', {
        company: userText(view.invitation.customer?.companyName ?? ''),
      }),
    };
  };
}
