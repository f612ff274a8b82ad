import { z } from 'zod';
import { withNotice } from '../../../../cards/shared/with-notice.js';
import { Verbs } from '../../../../cards/verbs.js';
import { INVITATION_LIST_FILTERS } from '../../../../domain/invitations/invitation.js';
import { t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import type {
  InvitationSearch,
  InvitationViews,
  InvitationsFeatureDeps,
} from '../invitation-views.js';
import { pageNumber } from '../invitation-inputs.js';

/**
 * The `invitations` list: its pages (filter, search) and the clean-up of expired ones.
 */
export function listVerbs(deps: InvitationsFeatureDeps, views: InvitationViews): CardAction[] {
  const { service } = deps;
  const { listCard } = views;
  return [
    cardAction({
      verb: Verbs.invitationsCleanUp,
      schema: z.object({}).passthrough(),
      scope: 'personal',
      async handle(scope) {
        const count = await service.cleanUpExpired(scope.actor);
        const card = await listCard(scope, 0);
        return {
          card: withNotice(card, {
            text: t(scope.language, 'invitations:list.cleanedUp', { count }),
          }),
        };
      },
    }),
    cardAction({
      verb: Verbs.invitationsPage,
      schema: z
        .object({
          page: pageNumber,
          filter: z.enum(INVITATION_LIST_FILTERS).optional(),
          text: z.string().max(100).optional(),
        })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const search: InvitationSearch = {
          ...(data.filter && data.filter !== 'all' ? { filter: data.filter } : {}),
          ...(data.text?.trim() ? { text: data.text.trim() } : {}),
        };
        return { card: await listCard(scope, data.page, search) };
      },
    }),
  ];
}
