import { z } from 'zod';
import { cardAttachment } from '../../../cards/shared/render-card.js';
import {
  MAX_USERS_PAGE,
  render as renderUsers,
  rolesInputId,
} from '../../../cards/partners/users.card.js';
import { Verbs } from '../../../cards/verbs.js';
import { noticeContent } from '../../../cards/shared/notice-content.js';
import type { Notifier } from '../../../domain/notifications/notification.js';
import type { Actor } from '../../../domain/partners/actor.js';
import type {
  MembershipService,
  RolesChange,
} from '../../../domain/partners/membership.service.js';
import { allowedBy } from '../../../domain/partners/roles.js';
import { formatList, t, type Language } from '../../../i18n/i18n.js';
import { userText } from '../../../cards/shared/user-text.js';
import { cardAction, type Feature, type TurnScope } from '../../feature.js';

/** The page a card's button or Save carries (a number; the templating may send it as text). */
const page = z.coerce.number().int().min(0).max(MAX_USERS_PAGE);
const updateSchema = z
  .object({ userId: z.string().min(1).max(128), page: page.optional() })
  .passthrough();
const pageSchema = z.object({ page });

/** `users` (Global admin only): the tenant's users and their roles, changed through the card. */
export function usersFeature(services: {
  readonly memberships: MembershipService;
  /** Tells a person the roles they were given and what those allow (through the outbox). */
  readonly notifier?: Notifier;
}): Feature {
  const { memberships, notifier } = services;
  const tellGiven = (scope: TurnScope, userId: string, change: RolesChange) =>
    tellRolesGiven(notifier, scope.actor, userId, change);
  const card = async (
    scope: TurnScope,
    notice?: { text: string; isError?: boolean },
    onPage = 0
  ) => {
    const { users } = await memberships.listUsers(scope.actor);
    return renderUsers(
      { users, me: scope.actor.aadObjectId, page: onPage, ...(notice ? { notice } : {}) },
      scope.language
    );
  };
  const isGlobalAdmin = async (scope: TurnScope) =>
    (await memberships.rolesOf(scope.actor)).roles.includes('globalAdmin');
  return {
    commands: [
      {
        names: ['users', 'пользователи'],
        descriptionKey: 'enrollment:commands.users',
        // The tenant's people and their roles: never into a chat that may have guests.
        scope: 'personal',
        may: 'users.view',
        async run(scope) {
          await scope.turn.sendActivity({ attachments: [cardAttachment(await card(scope))] });
        },
      },
    ],
    cardActions: [
      cardAction({
        verb: Verbs.usersUpdateRoles,
        schema: updateSchema,
        // The answer card lists the tenant's people: never into a chat that may have guests.
        scope: 'personal',
        async handle(scope, data) {
          const { userId } = data;
          const raw = data[rolesInputId(userId)];
          const roles =
            typeof raw === 'string'
              ? raw
                  .split(',')
                  .map((r) => r.trim())
                  .filter(Boolean)
              : [];
          const saved = await memberships.setRoles(scope.actor, userId, roles);
          await tellGiven(scope, userId, saved);
          const text = t(scope.language, 'enrollment:users.saved', {
            // A colleague's Teams display name: shown as typed, never as markdown.
            name: userText(saved.name ?? saved.email ?? userId),
            roles: rolesText(scope.language, saved.roles),
          });
          return { card: await card(scope, { text }, data.page) };
        },
        // Refusals (last Global admin, unknown user) show on the list; a stranger sees none.
        current: async (scope) => ((await isGlobalAdmin(scope)) ? card(scope) : undefined),
      }),
      cardAction({
        verb: Verbs.usersPage,
        schema: pageSchema,
        scope: 'personal',
        // listUsers refuses anyone but a Global admin, as the `users` command does.
        handle: async (scope, data) => ({ card: await card(scope, undefined, data.page) }),
        current: async (scope) => ((await isGlobalAdmin(scope)) ? card(scope) : undefined),
      }),
    ],
  };
}

/**
 * The person given a role hears it from the bot, in their language, with what it allows (the
 * users card's Save and the API's PUT /users/{id}/roles alike).
 */
export async function tellRolesGiven(
  notifier: Notifier | undefined,
  actor: Actor,
  userId: string,
  change: RolesChange
): Promise<void> {
  if (!notifier || !change.given.length || userId === actor.aadObjectId) return;
  const allows = [...new Set(change.given.flatMap((r) => allowedBy(r)))];
  await notifier.notify({
    key: `roles:${change.partner.id}:${userId}:${change.given.join(',')}:${change.at.toISOString()}`,
    to: { kind: 'user', user: { tenantId: actor.tenantId, aadObjectId: userId } },
    content: (language) => {
      const values = {
        name: userText(actor.name ?? ''),
        partner: userText(change.partner.legalName),
        roles: rolesText(language, change.given),
        allows: allows
          .map((a) => `- ${t(language, `enrollment:allows.${a.replace('.', '_')}`)}`)
          .join('\n'),
      };
      return noticeContent(language, {
        title: 'enrollment:rolesGiven.title',
        message: 'enrollment:rolesGiven.message',
        values,
        tone: 'good',
        steps: [{ command: 'help', title: { key: 'enrollment:rolesGiven.help' } }],
        summary: 'enrollment:rolesGiven.text',
      });
    },
  });
}

function rolesText(language: Language, roles: readonly string[]): string {
  return roles.length
    ? formatList(
        language,
        roles.map((r) => t(language, `enrollment:roles.${r}`))
      )
    : t(language, 'enrollment:users.none');
}
