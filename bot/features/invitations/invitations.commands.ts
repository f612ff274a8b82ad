import { NotFoundError } from '../../../domain/errors.js';
import type { CommandHandler } from '../../feature.js';
import { invitationSubject } from './invitation-cards.js';
import type { InvitationViews, InvitationsFeatureDeps } from './invitation-views.js';

/** Invitations are one organization's business: their commands answer in the 1:1 chat only. */
const personal = { scope: 'personal', personalOnlyKey: 'invitations:errors.personalOnly' } as const;

/**
 * `invite customer`, `accept <code>` (the one entry point for every kind of invitation code),
 * `customers`, `partners`, `invitations`: each answers with its card, in the 1:1 chat.
 */
export function invitationCommands(
  deps: InvitationsFeatureDeps,
  views: InvitationViews
): CommandHandler[] {
  const { service } = deps;
  const { rolesOf, mayInvite, cardOf, listCard, inviteForm, send, customersCard, partnersCard } =
    views;
  return [
    {
      names: ['invite customer', 'пригласить клиента'],
      descriptionKey: 'invitations:commands.inviteCustomer',
      ...personal,
      may: 'customers.invite',
      visibleTo: (scope) => mayInvite(scope.actor),
      async run(scope) {
        await send(scope, await inviteForm(scope));
      },
    },
    {
      names: ['accept', 'принять'],
      descriptionKey: 'invitations:commands.accept',
      ...personal,
      async run(scope, args) {
        // One entry point for every kind: the code's first letter (or the token) says which.
        // A provider's reseller invitation (R-, or a /relationships/ link) is relationships'.
        if (deps.otherInvitations && (await deps.otherInvitations(scope, args))) return;
        const view = await service.open(scope.actor, args);
        if (view.invitation.kind !== 'customer') {
          throw new NotFoundError('invitations:errors.notFound');
        }
        const { card, viewer } = await cardOf(scope, view);
        await scope.sendCard(card, invitationSubject(view.invitation.id, viewer));
      },
    },
    {
      names: ['customers', 'клиенты'],
      descriptionKey: 'invitations:commands.customers',
      ...personal,
      may: 'customers.view',
      visibleTo: async (scope) => (await rolesOf(scope.actor)).partner?.status === 'approved',
      async run(scope) {
        await send(scope, await customersCard(scope, 0));
      },
    },
    {
      names: ['partners', 'партнеры'],
      descriptionKey: 'invitations:commands.partners',
      // Listed for a customer's admins only; anyone else who types it is told why not.
      ...personal,
      visibleTo: async (scope) =>
        await service.partnersOfCustomer(scope.actor).then(
          () => true,
          () => false
        ),
      async run(scope) {
        await send(scope, await partnersCard(scope));
      },
    },
    {
      names: ['invitations', 'приглашения'],
      descriptionKey: 'invitations:commands.invitations',
      ...personal,
      may: 'customers.view',
      visibleTo: (scope) => mayInvite(scope.actor),
      async run(scope) {
        await send(scope, await listCard(scope, 0));
      },
    },
  ];
}
