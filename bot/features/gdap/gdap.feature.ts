import { z } from 'zod';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { render as renderNotice } from '../../../cards/shared/notice.card.js';
import type { GdapService } from '../../../domain/gdap/gdap.service.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import { t } from '../../../i18n/i18n.js';
import type { CommandHandler, Feature, TurnScope } from '../../feature.js';

/** `microsoft` after the command word (English or Russian), nothing else. */
const microsoft = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => s === 'microsoft' || s === 'майкрософт');

/**
 * `connect microsoft`, `disconnect microsoft` (a Global admin of an approved partner, in the
 * 1:1 chat: the consent link is the organization's business) and the partner's part of `status`.
 */
export function gdapFeature(deps: {
  readonly gdap: GdapService;
  readonly memberships: Pick<MembershipService, 'rolesOf'>;
}): Feature {
  const { gdap, memberships } = deps;
  const approved = async (scope: TurnScope) =>
    (await memberships.rolesOf(scope.actor)).partner?.status === 'approved';
  // `status` shows the connection to the partner's people with a role (partner.viewStatus);
  // a colleague with none is told by enrollment's part to ask the Global admin.
  const seesConnection = async (scope: TurnScope) => {
    const { partner, roles } = await memberships.rolesOf(scope.actor);
    return partner?.status === 'approved' && roles.length > 0;
  };
  const reply = (scope: TurnScope, text: string) => scope.turn.sendActivity(text);
  const connect: CommandHandler<string> = {
    names: ['connect', 'подключить'],
    descriptionKey: 'gdap:commands.connect',
    scope: 'personal',
    may: 'graph.connect',
    args: microsoft,
    invalidKey: 'gdap:connect.usage',
    visibleTo: approved,
    async run(scope) {
      const url = await gdap.consentLink(scope.actor);
      const existing = await gdap.connectionOf(scope.actor);
      const text = existing
        ? t(scope.language, 'gdap:connect.already', {
            url,
            date: dayText(scope.language, existing.connectedAt),
          })
        : t(scope.language, 'gdap:connect.link', { url });
      await reply(scope, text);
    },
  };
  const disconnect: CommandHandler<string> = {
    names: ['disconnect', 'отключить'],
    descriptionKey: 'gdap:commands.disconnect',
    scope: 'personal',
    may: 'graph.connect',
    args: microsoft,
    invalidKey: 'gdap:disconnect.usage',
    visibleTo: approved,
    async run(scope) {
      const removed = await gdap.disconnect(scope.actor);
      await reply(scope, t(scope.language, `gdap:disconnect.${removed ? 'done' : 'notConnected'}`));
    },
  };
  return {
    commands: [connect, disconnect],
    status: {
      visibleTo: seesConnection,
      async render(scope) {
        if (!(await seesConnection(scope))) return undefined;
        const connection = await gdap.connectionOf(scope.actor);
        const date = connection ? dayText(scope.language, connection.connectedAt) : '';
        return {
          card: renderNotice(
            {
              title: { key: 'gdap:status.title' },
              message: {
                key: `gdap:status.${connection ? 'connected' : 'notConnected'}`,
                values: { date },
              },
              tone: connection ? 'good' : 'default',
              steps: [],
            },
            scope.language
          ),
        };
      },
    },
  };
}
