import type { ApiKey } from '../../../domain/api-keys/api-key.js';
import type { ApiKeyService } from '../../../domain/api-keys/api-key.service.js';
import { apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { ownPartnerAdmin, type ApiKit } from './api-kit.js';
import {
  ApiKeyCreateBody,
  ApiKeyCreatedSchema,
  ApiKeyIdParam,
  ApiKeyListSchema,
  ApiKeySchema,
} from './api-keys.schemas.js';

/** A key as the API shows it: everything but its secret, which is not even stored. */
function keyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    createdAt: k.createdAt.toISOString(),
    createdBy: { aadObjectId: k.createdBy.aadObjectId, name: k.createdBy.name ?? null },
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revoked: !!k.revokedAt,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** The partner's API keys (Global admins, never with a key): create, list, revoke. */
export function apiKeyRoutes(deps: {
  readonly keys: ApiKeyService;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { keys, kit } = deps;
  return [
    ...ownPartnerAdmin(kit, {
      path: '/api-keys',
      tag: 'api-keys',
      view: keyView,
      create: {
        summary:
          'Creates an API key of your partner (Global admins); its secret is shown this once',
        body: ApiKeyCreateBody,
        response: ApiKeyCreatedSchema,
        secretField: 'key',
        run: async (actor, body) => {
          const { key, secret } = await keys.create(actor, body);
          return { item: key, secret };
        },
      },
      list: {
        summary: "Your partner's API keys, live and revoked, newest first (Global admins)",
        response: ApiKeyListSchema,
        run: (actor) => keys.list(actor),
      },
    }),
    apiRoute({
      method: 'delete',
      path: '/api-keys/:id',
      summary: 'Revokes an API key at once, on every bot process (Global admins)',
      tag: 'api-keys',
      auth: 'bearer',
      params: ApiKeyIdParam,
      response: ApiKeySchema,
      async handle({ caller, params }) {
        return { body: keyView(await keys.revoke(await kit.actorOf(caller), params.id)) };
      },
    }),
  ];
}
