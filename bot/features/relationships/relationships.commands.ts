import type { CommandHandler } from '../../feature.js';
import type { RelationshipViews } from './relationship-views.js';

/** Relationships are one organization's business: their commands answer in the 1:1 chat only. */
const personal = {
  scope: 'personal',
  personalOnlyKey: 'relationships:errors.personalOnly',
} as const;

/** `directory`, `providers`, `resellers`, `invite`: each answers with its card, in the 1:1 chat. */
export function relationshipCommands(views: RelationshipViews): CommandHandler[] {
  const { approvedOf, listCard, directoryCard, inviteForm, send } = views;
  return [
    {
      names: ['directory', 'каталог'],
      descriptionKey: 'relationships:commands.directory',
      ...personal,
      may: 'relationships.view',
      visibleTo: (scope) => approvedOf(scope.actor, 'reseller'),
      async run(scope, args) {
        await send(scope, await directoryCard(scope, { text: args, everywhere: false, page: 0 }));
      },
    },
    {
      names: ['providers', 'поставщики'],
      descriptionKey: 'relationships:commands.providers',
      ...personal,
      may: 'relationships.view',
      visibleTo: (scope) => approvedOf(scope.actor, 'reseller'),
      async run(scope) {
        await send(scope, await listCard(scope, 0, false));
      },
    },
    {
      names: ['resellers', 'посредники'],
      descriptionKey: 'relationships:commands.resellers',
      ...personal,
      may: 'relationships.view',
      visibleTo: (scope) => approvedOf(scope.actor, 'provider'),
      async run(scope) {
        await send(scope, await listCard(scope, 0, false));
      },
    },
    {
      names: ['invite', 'пригласить'],
      descriptionKey: 'relationships:commands.inviteReseller',
      ...personal,
      may: 'relationships.manage',
      visibleTo: (scope) => approvedOf(scope.actor, 'provider'),
      async run(scope) {
        await send(scope, await inviteForm(scope));
      },
    },
  ];
}
