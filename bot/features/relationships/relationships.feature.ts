import type { Feature } from '../../feature.js';
import { parseRelationshipSubject } from './relationship-subjects.js';
import { relationshipViews, type RelationshipsFeatureDeps } from './relationship-views.js';
import { relationshipCommands } from './relationships.commands.js';
import { browseVerbs } from './verbs/browse.verbs.js';
import { moveVerbs } from './verbs/moves.verbs.js';
import { requestVerbs } from './verbs/request.verbs.js';
import { resellerInvitationVerbs } from './verbs/reseller-invitation.verbs.js';

/**
 * Relationships between indirect providers and resellers: `directory`, `providers`,
 * `resellers`, `invite reseller`, and the card verbs of their whole life (request, authorize,
 * decline, withdraw, resend, end, extend, auto-extend, history), each copy kept true in place.
 */
export function relationshipsFeature(deps: RelationshipsFeatureDeps): Feature {
  const views = relationshipViews(deps);
  return {
    commands: relationshipCommands(views),
    cardActions: [
      ...browseVerbs(deps, views),
      ...requestVerbs(deps, views),
      ...resellerInvitationVerbs(deps, views),
      ...moveVerbs(deps, views),
    ],
    refreshers: [
      {
        subjectType: 'relationship',
        render: async (scope, subjectId) => {
          const parsed = parseRelationshipSubject(subjectId);
          return parsed ? views.cardOf(scope, parsed.id) : undefined;
        },
      },
    ],
  };
}
