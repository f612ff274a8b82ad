import { z } from 'zod';
import type { GdapService } from '../../../domain/gdap/gdap.service.js';
import { apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import type { ApiKit } from '../api/api-kit.js';

const isoDate = z.iso.datetime().describe('ISO 8601 date-time (UTC)');

export const GraphConnectionSchema = z
  .object({
    connected: z.boolean(),
    connectedAt: isoDate.nullable(),
  })
  .meta({ id: 'GraphConnection' });

export const GraphConsentLinkSchema = z
  .object({
    url: z
      .string()
      .describe(
        "The admin-consent link in the partner's own tenant: good once, for 15 minutes, for the person who asked"
      ),
  })
  .meta({ id: 'GraphConsentLink' });

/**
 * The partner's connection to Microsoft Graph over the API (the tab's Connect Microsoft), the
 * same service calls as the `connect microsoft`, `disconnect microsoft` and `status` commands:
 * the service holds the rules (a Global admin of an approved partner connects and disconnects;
 * the partner's people see the state, as `status` shows it).
 */
export function gdapRoutes(deps: {
  readonly gdap: GdapService;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { gdap, kit } = deps;
  const common = { tag: 'microsoft-graph', auth: 'bearer' as const };
  const view = (c: { connectedAt: Date } | null) => ({
    connected: !!c,
    connectedAt: c?.connectedAt.toISOString() ?? null,
  });
  return [
    apiRoute({
      ...common,
      method: 'get',
      path: '/graph/connection',
      summary: 'Whether your partner is connected to Microsoft Graph (GDAP), as `status` says',
      response: GraphConnectionSchema,
      async handle({ caller }) {
        return { body: view(await gdap.connectionOf(await kit.actorOf(caller))) };
      },
    }),
    apiRoute({
      ...common,
      method: 'post',
      path: '/graph/connection/consent-link',
      summary:
        'The admin-consent link that connects your partner to Microsoft Graph (Global admins of an approved partner), as `connect microsoft` gives it',
      response: GraphConsentLinkSchema,
      async handle({ caller }) {
        return { body: { url: await gdap.consentLink(await kit.actorOf(caller)) } };
      },
    }),
    apiRoute({
      ...common,
      method: 'delete',
      path: '/graph/connection',
      summary:
        'Disconnects your partner from Microsoft Graph: no more Graph calls for it (Global admins)',
      response: z.object({ disconnected: z.boolean().describe('false: it was not connected') }),
      async handle({ caller }) {
        return { body: { disconnected: await gdap.disconnect(await kit.actorOf(caller)) } };
      },
    }),
  ];
}
