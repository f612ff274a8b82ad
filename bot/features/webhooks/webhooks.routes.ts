import type { WebhookDelivery, WebhookSubscription } from '../../../domain/webhooks/webhook.js';
import type { WebhookService } from '../../../domain/webhooks/webhook.service.js';
import { apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { ownPartnerAdmin, type ApiKit } from '../api/api-kit.js';
import {
  WebhookCreateBody,
  WebhookCreatedSchema,
  WebhookDeliveryListSchema,
  WebhookIdParam,
  WebhookListSchema,
  WebhookTestSchema,
} from './webhooks.schemas.js';
import { z } from 'zod';

function subscriptionView(s: WebhookSubscription) {
  return {
    id: s.id,
    url: s.url,
    events: [...s.events],
    createdAt: s.createdAt.toISOString(),
    createdBy: { aadObjectId: s.createdBy.aadObjectId, name: s.createdBy.name ?? null },
    failing: !!s.failingSince,
    failingSince: s.failingSince?.toISOString() ?? null,
  };
}

function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    eventId: d.eventId,
    type: d.type,
    state: d.state,
    attempts: d.attempts,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    responseCode: d.lastStatus ?? null,
    error: d.lastError ?? null,
  };
}

/** The partner's webhook subscriptions (Global admins, never with a key), under /webhooks. */
export function webhookRoutes(deps: {
  readonly webhooks: WebhookService;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { webhooks, kit } = deps;
  const common = { tag: 'webhooks', auth: 'bearer' as const };
  return [
    ...ownPartnerAdmin(kit, {
      path: '/webhooks',
      tag: common.tag,
      view: subscriptionView,
      create: {
        summary:
          'Subscribes a URL to events of your partner (Global admins); the secret is shown once',
        body: WebhookCreateBody,
        response: WebhookCreatedSchema,
        secretField: 'secret',
        run: async (actor, body) => {
          const { subscription, secret } = await webhooks.create(actor, body);
          return { item: subscription, secret };
        },
      },
      list: {
        summary: "Your partner's webhook subscriptions, newest first (Global admins)",
        response: WebhookListSchema,
        run: (actor) => webhooks.list(actor),
      },
    }),
    apiRoute({
      ...common,
      method: 'delete',
      path: '/webhooks/:id',
      summary: 'Deletes a subscription; deliveries not yet sent are dropped (Global admins)',
      params: WebhookIdParam,
      response: z.object({ deleted: z.literal(true) }),
      async handle({ caller, params }) {
        await webhooks.remove(await kit.actorOf(caller), params.id);
        return { body: { deleted: true as const } };
      },
    }),
    apiRoute({
      ...common,
      method: 'get',
      path: '/webhooks/:id/deliveries',
      summary: "A subscription's last 50 deliveries: state, time, response code (Global admins)",
      params: WebhookIdParam,
      response: WebhookDeliveryListSchema,
      async handle({ caller, params }) {
        const list = await webhooks.deliveries(await kit.actorOf(caller), params.id);
        return { body: { items: list.map(deliveryView) } };
      },
    }),
    apiRoute({
      ...common,
      method: 'post',
      path: '/webhooks/:id/test',
      summary: 'Sends a `webhook.test` event to the subscription (Global admins)',
      params: WebhookIdParam,
      okStatus: 202,
      response: WebhookTestSchema,
      async handle({ caller, params }) {
        const eventId = await webhooks.sendTest(await kit.actorOf(caller), params.id);
        return { status: 202, body: { eventId } };
      },
    }),
  ];
}
