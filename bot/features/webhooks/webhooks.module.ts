import { eventIdOf, type WebhookEventType } from '../../../domain/webhooks/webhook.js';
import type {
  CustomerRow,
  InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import { changeOwes, type Invitation } from '../../../domain/invitations/invitation.js';
import { WebhookService } from '../../../domain/webhooks/webhook.service.js';
import { MongoWebhookStore } from '../../../models/webhooks/webhook.repository.js';
import { SealedBox } from '../../../notifications/sealed-box.js';
import { WebhookWorker } from '../../../notifications/webhook.worker.js';
import type { AnyApiRoute } from '../../../web/api/api-route.js';
import type { AppContext, AppModule } from '../../app-module.js';
import type { ApiKit } from '../api/api-kit.js';
import { customerInvitationItem, customerItem, relationshipItem } from '../api/api-views.js';
import type { InvitationsModule } from '../invitations/invitations.module.js';
import type { RelationshipsModule } from '../relationships/relationships.module.js';
import type { PartnersModule } from '../partners/partners.module.js';
import { expiringEvent, invitationEvent, relationshipEvent } from './webhook-events.js';
import { userText } from '../../../cards/shared/user-text.js';
import { t } from '../../../i18n/i18n.js';
import type { Notifications } from '../notifications/notifications.module.js';
import { webhookRoutes } from './webhooks.routes.js';
import { WEBHOOK_DOCUMENT } from './webhooks.schemas.js';

export interface WebhooksModuleDeps {
  readonly partners: PartnersModule;
  readonly relationships: Pick<RelationshipsModule, 'service' | 'onChanged'>;
  readonly invitations: Pick<
    InvitationsModule,
    'service' | 'onChanged' | 'onLinkEnded' | 'customers'
  >;
  /** Seals the signing secrets (the queued mails' key material, HKDF-derived for this use). */
  readonly sealKey: Uint8Array;
  /** Tells a failing subscription's Global admins in Teams. */
  readonly notifications: Pick<Notifications, 'service'>;
}

/** Signed webhooks (issue 31): subscriptions, events from transitions, durable delivery. */
export interface WebhooksModule extends AppModule {
  readonly service: WebhookService;
  /** The REST routes, declared with the API's kit (the API module lists them in its document). */
  apiRoutes(kit: ApiKit): AnyApiRoute[];
  /** The events as the OpenAPI document's `webhooks` lists them. */
  readonly document: typeof WEBHOOK_DOCUMENT;
}

export async function createWebhooksModule(
  ctx: AppContext,
  deps: WebhooksModuleDeps
): Promise<WebhooksModule> {
  const store = new MongoWebhookStore(ctx.db.connection);
  // (subscriptionId, eventId) is unique: the index must exist before the first event.
  await store.init();
  const sealer = new SealedBox(deps.sealKey, 'partner-connect/webhook-secret/v1');
  const options = ctx.config.webhooks;
  const worker = new WebhookWorker({
    store,
    sealer,
    clock: ctx.clock,
    logger: ctx.logger,
    options: { ...options, allowLoopback: options.allowHttpLoopback },
    onFailing: (sub, key) =>
      deps.notifications.service.notify({
        key,
        to: { kind: 'partnerRoles', partnerRef: sub.partnerRef, roles: ['globalAdmin'] },
        content: (lang) => ({
          text: t(lang, 'webhooks:notices.failing', {
            url: userText(new URL(sub.url).origin),
            hours: Math.round(options.retryForMs / 3_600_000),
          }),
        }),
      }),
  });
  const service = new WebhookService({
    store,
    memberships: deps.partners.memberships,
    sealer,
    allowHttpLoopback: options.allowHttpLoopback,
    now: ctx.now,
    deliveryNow: () => new Date(ctx.clock.now()),
    logger: ctx.logger,
    queued: () => worker.wake(),
  });
  // Under the transition's owed-notice stamp: a crash before this ran leaves it owed and the
  // sweep emits it again, with the same event id, which the store takes once.
  deps.relationships.onChanged(async (r) => {
    for (const event of [relationshipEvent(r), expiringEvent(r)]) {
      if (!event) continue;
      await service.emit({
        eventId: eventIdOf(event.stamp),
        type: event.type,
        at: event.at,
        partnerRefs: [r.providerRef, r.resellerRef],
        resourceKey: `relationship:${r.id}`,
        async data(ref) {
          const side = ref === r.providerRef ? 'provider' : 'reseller';
          return relationshipItem(await deps.relationships.service.withPartners(r, side), true);
        },
      });
    }
  });
  // A customer's link, to its reseller and that reseller's provider, as GET /customers lists it.
  const emitCustomer = (
    row: CustomerRow,
    event: { type: WebhookEventType; eventId: string; at: Date }
  ) =>
    service.emit({
      ...event,
      partnerRefs: [row.link.resellerRef, ...(row.link.providerRef ? [row.link.providerRef] : [])],
      resourceKey: `customer:${row.link.id}`,
      data: async () => customerItem(row),
    });
  // The reseller that invited and the provider named, if any; the view read only when needed.
  const emitInvitation = (
    inv: Invitation,
    view: () => Promise<InvitationView>,
    event: { type: WebhookEventType; eventId: string; at: Date }
  ) =>
    service.emit({
      ...event,
      partnerRefs: [
        inv.partnerRef,
        ...(inv.customer?.providerRef ? [inv.customer.providerRef] : []),
      ],
      resourceKey: `invitation:${inv.id}`,
      data: async () => customerInvitationItem(await view(), true),
    });
  deps.invitations.onChanged(async (inv) => {
    const event = invitationEvent(inv);
    if (!event) return;
    await emitInvitation(inv, () => deps.invitations.service.view(inv), {
      type: event.type,
      eventId: eventIdOf(event.stamp),
      at: event.at,
    });
    // The acceptance's settle (run before these listeners) made the customer's link.
    if (!changeOwes(inv, inv.state).customerLink) return;
    const link = await deps.invitations.customers.linkOfInvitation(inv.id);
    const customer = link && (await deps.invitations.customers.get(link.customerRef));
    if (!link || !customer) return;
    const view = await deps.invitations.service.view(inv);
    await emitCustomer(
      {
        customer,
        link,
        reseller: view.reseller,
        ...(view.provider ? { provider: view.provider } : {}),
      },
      {
        type: 'customer.linked',
        eventId: eventIdOf(`customerLink:${link.id}:linked`),
        at: link.since,
      }
    );
  });
  // Under the ended link's stamp, as the partners' notices of it: the sweep repeats it.
  deps.invitations.onLinkEnded(async (ended) => {
    await emitCustomer(ended, {
      type: 'customer.unlinked',
      eventId: eventIdOf(`customerLink:${ended.link.id}:ended`),
      at: ended.link.endedAt ?? ctx.now(),
    });
  });
  return {
    service,
    apiRoutes: (kit) => webhookRoutes({ webhooks: service, kit }),
    document: WEBHOOK_DOCUMENT,
    async start() {
      worker.start();
    },
    async stop() {
      await worker.stop();
    },
  };
}
