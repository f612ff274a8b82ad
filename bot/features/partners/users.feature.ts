import { z } from 'zod';
import { cardAttachment } from '../../../cards/shared/render-card.js';
import { render as renderUsers, rolesInputId } from '../../../cards/partners/users.card.js';
import { Verbs } from '../../../cards/verbs.js';
import type { EnrollmentServices } from '../../../dialogs/enrollment/enrollment-services.js';
import { isDomainError, InvalidError, NotAllowedError } from '../../../domain/errors.js';
import { t, type Language } from '../../../i18n/i18n.js';
import type { Feature, TurnScope } from '../../feature.js';

const updateSchema = z.object({ userId: z.string().min(1).max(128) }).passthrough();

/** `users` (Global admin only): the tenant's users and their roles, changed through the card. */
export function usersFeature(services: Pick<EnrollmentServices, 'memberships'>): Feature {
  const { memberships } = services;
  const card = async (scope: TurnScope, notice?: { text: string; isError?: boolean }) => {
    const { users } = await memberships.listUsers(scope.actor);
    return renderUsers(
      { users, me: scope.actor.aadObjectId, ...(notice ? { notice } : {}) },
      scope.language
    );
  };
  const rolesText = (language: Language, roles: readonly string[]) =>
    roles.length
      ? roles.map((r) => t(language, `enrollment:roles.${r}`)).join(', ')
      : t(language, 'enrollment:users.none');
  return {
    commands: [
      {
        names: ['users', 'пользователи'],
        descriptionKey: 'enrollment:commands.users',
        async visibleTo(scope) {
          if (scope.conversationType !== 'personal') return false;
          return (await memberships.rolesOf(scope.actor)).roles.includes('globalAdmin');
        },
        async run(scope) {
          if (scope.conversationType !== 'personal') {
            throw new NotAllowedError('enrollment:errors.personalOnly');
          }
          await scope.turn.sendActivity({ attachments: [cardAttachment(await card(scope))] });
        },
      },
    ],
    cardActions: [
      {
        verb: Verbs.usersUpdateRoles,
        async handle(scope, data) {
          // The answer card lists the tenant's people: never into a chat that may have guests.
          if (scope.conversationType !== 'personal') {
            throw new NotAllowedError('enrollment:errors.personalOnly');
          }
          const parsed = updateSchema.safeParse(data);
          if (!parsed.success) throw new InvalidError();
          const { userId } = parsed.data;
          const raw = data[rolesInputId(userId)];
          const roles =
            typeof raw === 'string'
              ? raw
                  .split(',')
                  .map((r) => r.trim())
                  .filter(Boolean)
              : [];
          try {
            const saved = await memberships.setRoles(scope.actor, userId, roles);
            const text = t(scope.language, 'enrollment:users.saved', {
              name: saved.name ?? saved.email ?? userId,
              roles: rolesText(scope.language, saved.roles),
            });
            return { card: await card(scope, { text }) };
          } catch (err) {
            // Refusals (last Global admin, unknown user) show on the card, keeping the list.
            if (!isDomainError(err) || err.code === 'NotAllowed') throw err;
            return {
              card: await card(scope, {
                text: t(scope.language, err.messageKey, err.values),
                isError: true,
              }),
            };
          }
        },
      },
    ],
  };
}
