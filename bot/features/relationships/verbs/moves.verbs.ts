import { z } from 'zod';
import type { AdaptiveCardJson } from '../../../../cards/shared/render-card.js';
import { Verbs } from '../../../../cards/verbs.js';
import { isActive } from '../../../../domain/relationships/relationship.js';
import type { RelationshipResult } from '../../../../domain/relationships/relationship.service.js';
import { cardAction, type CardAction, type TurnScope } from '../../../feature.js';
import { listContextOf } from '../../../list-context-input.js';
import type { RelationshipViews, RelationshipsFeatureDeps } from '../relationship-views.js';
import {
  toggle,
  roleList,
  dayCount,
  instant,
  onRelationshipWith,
  onRelationship,
} from '../relationship-inputs.js';

/**
 * The moves of a relationship's life: authorize, decline, withdraw, resend, end, extend, the
 * provider's change asked and answered, auto-extend.
 */
export function moveVerbs(deps: RelationshipsFeatureDeps, views: RelationshipViews): CardAction[] {
  const { service } = deps;
  const { cardOf, cardFor, shown } = views;
  /** A click that moves a relationship: every copy changes through the notices, once. */
  const move = <S extends z.ZodType>(
    verb: string,
    schema: S,
    run: (scope: TurnScope, data: z.infer<S>) => Promise<RelationshipResult | AdaptiveCardJson>
  ): CardAction<S> =>
    cardAction({
      verb,
      schema,
      scope: 'personal',
      async handle(scope, data) {
        const result = await run(scope, data);
        if (!('relationship' in result)) return { card: result as AdaptiveCardJson };
        // Every move's schema is `onRelationshipWith(...)`: the list context is parsed there.
        const list = listContextOf(data as z.infer<typeof onRelationship>);
        return shown(scope, result as RelationshipResult, list);
      },
      current: async (scope, data) => {
        const parsed = onRelationship.safeParse(data);
        return parsed.success
          ? cardOf(scope, parsed.data.relationshipRef, undefined, listContextOf(parsed.data))
          : undefined;
      },
    });

  return [
    move(Verbs.relationshipAuthorize, onRelationshipWith({ consent: toggle }), (scope, d) =>
      service.authorize(scope.actor, d.relationshipRef, d.consent)
    ),
    move(
      Verbs.relationshipDecline,
      onRelationshipWith({
        confirmed: z.string().max(8).optional(),
        // Longer than the domain keeps: parsed, then refused with its limit in the message.
        reason: z.string().max(5000).optional(),
      }),
      async (scope, d) => {
        if (d.confirmed === 'yes' || !(await service.decides(scope.actor, d.relationshipRef))) {
          return service.decline(scope.actor, d.relationshipRef, d.reason ?? '');
        }
        // First click: an optional reason for the side that asked, then Yes, decline.
        const view = await service.view(scope.actor, d.relationshipRef);
        return cardFor(scope, view, undefined, listContextOf(d), { confirmDecline: true });
      }
    ),
    move(Verbs.relationshipWithdraw, onRelationship, (scope, d) =>
      service.withdraw(scope.actor, d.relationshipRef)
    ),
    move(Verbs.relationshipResend, onRelationship, (scope, d) =>
      service.resend(scope.actor, d.relationshipRef)
    ),
    move(
      Verbs.relationshipEnd,
      onRelationshipWith({ confirmed: z.string().max(8).optional() }),
      async (scope, d) => {
        if (d.confirmed === 'yes') return service.end(scope.actor, d.relationshipRef);
        // First click: what ending means, and a second button to mean it.
        const view = await service.view(scope.actor, d.relationshipRef);
        if (!isActive(view.relationship)) {
          return service.end(scope.actor, d.relationshipRef);
        }
        return cardFor(scope, view, undefined, listContextOf(d), { confirmEnd: true });
      }
    ),
    move(
      Verbs.relationshipExtend,
      onRelationshipWith({
        consent: toggle,
        durationDays: dayCount,
        roles: roleList,
        confirmed: z.string().max(8).optional(),
        endsAt: instant,
      }),
      async (scope, d) => {
        const input = { days: d.durationDays, ...(d.roles.length ? { roles: d.roles } : {}) };
        if (d.confirmed === 'yes') {
          return service.extend(scope.actor, d.relationshipRef, input, {
            consent: d.consent,
            ...(d.endsAt ? { endsAt: d.endsAt } : {}),
          });
        }
        // First click: the old and the new end, the roles, and who must consent.
        const { view, extension } = await service.planExtend(scope.actor, d.relationshipRef, input);
        return cardFor(scope, view, undefined, listContextOf(d), { confirmExtend: extension });
      }
    ),
    move(
      Verbs.relationshipAuthorizeChange,
      onRelationshipWith({ consent: toggle, change: instant }),
      (scope, d) => service.authorizeChange(scope.actor, d.relationshipRef, d.consent, d.change)
    ),
    move(Verbs.relationshipDeclineChange, onRelationshipWith({ change: instant }), (scope, d) =>
      service.declineChange(scope.actor, d.relationshipRef, d.change)
    ),
    move(Verbs.relationshipAutoExtend, onRelationship, (scope, d) =>
      service.autoExtendOn(scope.actor, d.relationshipRef)
    ),
  ];
}
