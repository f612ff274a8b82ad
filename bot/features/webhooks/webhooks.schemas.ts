import { z } from 'zod';
import { TEST_EVENT, WEBHOOK_EVENTS } from '../../../domain/webhooks/webhook.js';
import { CustomerSchema, InvitationSchema, RelationshipSchema } from '../api/api.schemas.js';

/** The webhooks' shapes, parsed with and documented from (as api.schemas.ts). */

const isoDate = z.iso.datetime().describe('ISO 8601 date-time (UTC)');

export const WebhookCreateBody = z
  .object({
    url: z
      .string()
      .max(2000)
      .describe(
        'https only; http only to a loopback address when WEBHOOK_ALLOW_HTTP_LOOPBACK=true'
      ),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  })
  .strict()
  .meta({ id: 'WebhookCreate' });

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: isoDate,
    createdBy: z.object({ aadObjectId: z.string(), name: z.string().nullable() }),
    failing: z.boolean().describe('A delivery kept failing for 24 h (cleared by a success)'),
    failingSince: isoDate.nullable(),
  })
  .meta({ id: 'Webhook' });

export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe('The signing secret (whsec_…, Standard Webhooks), shown this once'),
}).meta({ id: 'WebhookCreated' });

export const WebhookListSchema = z
  .object({ items: z.array(WebhookSchema) })
  .meta({ id: 'WebhookList' });

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string().describe('The webhook-id header: receivers de-duplicate by it'),
    type: z.string(),
    state: z.enum(['due', 'leased', 'sent', 'failed']),
    attempts: z.number().int(),
    createdAt: isoDate,
    lastAttemptAt: isoDate.nullable(),
    responseCode: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryListSchema = z
  .object({ items: z.array(WebhookDeliverySchema) })
  .meta({ id: 'WebhookDeliveryList' });

export const WebhookTestSchema = z.object({ eventId: z.string() }).meta({ id: 'WebhookTest' });

export const WebhookIdParam = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

const RELATIONSHIP_EVENTS = WEBHOOK_EVENTS.filter((e) => e.startsWith('relationship.'));
const INVITATION_EVENTS = WEBHOOK_EVENTS.filter((e) => e.startsWith('invitation.'));
const CUSTOMER_EVENTS = WEBHOOK_EVENTS.filter((e) => e.startsWith('customer.'));

const eventBase = {
  id: z.string().describe('The event id, also the webhook-id header: de-duplicate by it'),
  timestamp: isoDate.describe('When the transition happened'),
};

export const RelationshipEventSchema = z
  .object({
    ...eventBase,
    type: z.enum(RELATIONSHIP_EVENTS as [string, ...string[]]),
    data: RelationshipSchema,
  })
  .meta({ id: 'RelationshipEvent' });

export const InvitationEventSchema = z
  .object({
    ...eventBase,
    type: z.enum(INVITATION_EVENTS as [string, ...string[]]),
    data: InvitationSchema,
  })
  .meta({ id: 'InvitationEvent' });

export const CustomerEventSchema = z
  .object({
    ...eventBase,
    type: z.enum(CUSTOMER_EVENTS as [string, ...string[]]),
    data: CustomerSchema,
  })
  .meta({ id: 'CustomerEvent' });

export const TestEventSchema = z
  .object({
    ...eventBase,
    type: z.literal(TEST_EVENT),
    data: z.object({ subscriptionId: z.string() }),
  })
  .meta({ id: 'WebhookTestEvent' });

/** Each event as OpenAPI 3.1's `webhooks` documents it (signed per Standard Webhooks). */
export const WEBHOOK_DOCUMENT: Record<string, { summary: string; body: z.ZodType }> =
  Object.fromEntries([
    ...RELATIONSHIP_EVENTS.map((e) => [
      e,
      {
        summary:
          e === 'relationship.expiring'
            ? `${e}: access ends within 30, 7 or 1 days (once per reminder), the relationship as your side sees it`
            : `${e}: the relationship as your side sees it`,
        body: RelationshipEventSchema,
      },
    ]),
    ...INVITATION_EVENTS.map((e) => [
      e,
      { summary: `${e}: the customer invitation`, body: InvitationEventSchema },
    ]),
    ...CUSTOMER_EVENTS.map((e) => [
      e,
      {
        summary: `${e}: the customer as GET /customers lists it (the link's id), linked by an accepted invitation or unlinked by its admin`,
        body: CustomerEventSchema,
      },
    ]),
    [TEST_EVENT, { summary: 'Sent by POST /webhooks/{id}/test', body: TestEventSchema }],
  ]);
