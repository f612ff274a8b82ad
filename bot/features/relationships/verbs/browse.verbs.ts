import { z } from 'zod';
import { render as renderHistory } from '../../../../cards/relationships/history.card.js';
import { withNotice } from '../../../../cards/shared/with-notice.js';
import { Verbs } from '../../../../cards/verbs.js';
import { LIST_FILTERS } from '../../../../domain/relationships/relationship.service.js';
import { t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import { listContextOf } from '../../../list-context-input.js';
import type { RelationshipViews, RelationshipsFeatureDeps } from '../relationship-views.js';
import { toggle, dayCount, pageNumber, onRelationship } from '../relationship-inputs.js';

/**
 * Finding one's way: the directory and list pages, a relationship's card and its history, and
 * the list's bulk changes.
 */
export function browseVerbs(
  deps: RelationshipsFeatureDeps,
  views: RelationshipViews
): CardAction[] {
  const { service } = deps;
  const { cardOf, subjectFor, listCard, directoryCard } = views;
  return [
    cardAction({
      verb: Verbs.directoryPage,
      schema: z
        .object({ text: z.string().max(100).optional(), everywhere: toggle, page: pageNumber })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const card = await directoryCard(scope, {
          text: data.text ?? '',
          everywhere: data.everywhere,
          page: data.page,
        });
        return { card };
      },
    }),
    cardAction({
      verb: Verbs.relationshipView,
      schema: onRelationship,
      scope: 'personal',
      async handle(scope, data) {
        return {
          card: await cardOf(scope, data.relationshipRef, undefined, listContextOf(data)),
          recordAs: await subjectFor(scope, data.relationshipRef),
        };
      },
    }),
    cardAction({
      verb: Verbs.relationshipHistory,
      schema: onRelationship,
      scope: 'personal',
      async handle(scope, data) {
        const view = await service.view(scope.actor, data.relationshipRef);
        const list = listContextOf(data);
        return { card: renderHistory({ view, ...(list ? { list } : {}) }, scope.language) };
      },
    }),
    cardAction({
      verb: Verbs.relationshipsPage,
      schema: z
        .object({
          page: pageNumber,
          expiringSoon: toggle,
          filter: z.enum(LIST_FILTERS).optional(),
          text: z.string().max(100).optional(),
        })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const soon = data.expiringSoon || data.filter === 'expiringSoon';
        const search = {
          ...(data.filter && !soon ? { filter: data.filter } : {}),
          ...(data.text ? { text: data.text } : {}),
        };
        return { card: await listCard(scope, data.page, soon, search) };
      },
    }),
    cardAction({
      verb: Verbs.relationshipsBulk,
      schema: z
        .object({
          kind: z.enum(['extend', 'autoExtendOn']),
          durationDays: dayCount,
          expiringSoon: toggle,
        })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const change =
          data.kind === 'extend'
            ? ({ kind: 'extend', durationDays: data.durationDays } as const)
            : ({ kind: 'autoExtendOn' } as const);
        const done = await service.bulk(scope.actor, change, { expiringSoon: data.expiringSoon });
        const card = await listCard(scope, 0, data.expiringSoon);
        return {
          card: withNotice(card, {
            text: t(scope.language, 'relationships:page.bulkDone', { ...done }),
          }),
        };
      },
      // A refused count shows under the days field of the list it was typed on, kept.
      current: (scope, data) =>
        listCard(scope, 0, data.expiringSoon === true || data.expiringSoon === 'true'),
    }),
  ];
}
