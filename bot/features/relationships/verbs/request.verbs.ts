import { z } from 'zod';
import { Verbs } from '../../../../cards/verbs.js';
import { cardAction, type CardAction } from '../../../feature.js';
import { listContextFields, listContextOf } from '../../../list-context-input.js';
import { relationshipSubject } from '../relationship-subjects.js';
import type { RelationshipViews, RelationshipsFeatureDeps } from '../relationship-views.js';
import { ref, toggle, grantInput } from '../relationship-inputs.js';

/** A reseller asks an approved provider: the request form, and the request it sends. */
export function requestVerbs(
  deps: RelationshipsFeatureDeps,
  views: RelationshipViews
): CardAction[] {
  const { service } = deps;
  const { cardOf, subjectFor, requestForm } = views;
  return [
    cardAction({
      verb: Verbs.relationshipRequestForm,
      schema: z.object({ providerRef: ref, ...listContextFields }).passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        // Asked already (a directory card older than the request): that one, not a form
        // whose request would be refused at the end.
        const open = await service.openWith(scope.actor, data.providerRef);
        if (open) {
          return {
            card: await cardOf(scope, open.id, undefined, listContextOf(data)),
            recordAs: await subjectFor(scope, open.id),
          };
        }
        return { card: await requestForm(scope, data.providerRef, listContextOf(data)) };
      },
    }),
    cardAction({
      verb: Verbs.relationshipRequest,
      schema: z
        .object({ providerRef: ref, consent: toggle, ...grantInput, ...listContextFields })
        .passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const { consent, providerRef, roles, durationDays, autoExtend } = data;
        const created = await service.request(
          scope.actor,
          providerRef,
          { roles, durationDays, autoExtend },
          consent
        );
        return {
          card: await cardOf(scope, created.id, undefined, listContextOf(data)),
          recordAs: relationshipSubject(created.id, 'reseller'),
        };
      },
      // A refused request shows on the form, what was chosen kept.
      current: async (scope, data) =>
        typeof data.providerRef === 'string' && ref.safeParse(data.providerRef).success
          ? requestForm(scope, data.providerRef)
          : undefined,
    }),
  ];
}
