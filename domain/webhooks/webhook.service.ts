import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import { ConflictError, InvalidFieldsError, NotAllowedError, NotFoundError } from '../errors.js';
import type { Actor } from '../partners/actor.js';
import type { MembershipService } from '../partners/membership.service.js';
import type { StoredSubscription, WebhookStore } from './webhook-store.port.js';
import {
  MAX_SUBSCRIPTIONS_PER_PARTNER,
  newWebhookSecret,
  TEST_EVENT,
  webhookUrlRefusal,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookSubscription,
} from './webhook.js';

/** Seals a secret the app must read again (notifications/sealed-box.ts), bound to `aad`. */
export interface SecretSealer {
  seal(value: unknown, aad: string): string;
  open(sealed: string, aad: string): unknown;
}

export interface WebhookServiceDeps {
  readonly store: WebhookStore;
  readonly memberships: Pick<MembershipService, 'authorize'>;
  readonly sealer: SecretSealer;
  readonly allowHttpLoopback: boolean;
  readonly now: () => Date;
  /** The delivery worker's clock (leases, retries): deliveries are due and aged by it. */
  readonly deliveryNow: () => Date;
  readonly logger: Logger;
  /** Told when deliveries were queued (this process's worker wakes instead of polling). */
  readonly queued?: () => void;
}

/** How many deliveries `GET /webhooks/:id/deliveries` shows. */
export const RECENT_DELIVERIES = 50;

/** The additional data a subscription's sealed secret is bound to: it opens on no other record. */
export const secretAad = (subscriptionId: string) => `webhook-secret:${subscriptionId}`;

/**
 * Partners' webhook subscriptions (a Global admin's, never an API key's, as API keys are) and
 * the events their partner's transitions emit: each event queued once per subscription that
 * takes it, its body fixed at emission, its id derived from the transition.
 */
export class WebhookService {
  private readonly log: Logger;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.log = deps.logger.child({ module: 'webhooks' });
  }

  /** A new subscription of the actor's partner, and its secret (shown this once). */
  async create(
    actor: Actor,
    input: { readonly url: string; readonly events: readonly WebhookEventType[] }
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const { partner } = await this.authorize(actor);
    const refusal = webhookUrlRefusal(input.url, {
      allowHttpLoopback: this.deps.allowHttpLoopback,
    });
    if (refusal) throw new InvalidFieldsError([{ field: 'body.url', key: refusal }]);
    if ((await this.deps.store.countByPartner(partner.id)) >= MAX_SUBSCRIPTIONS_PER_PARTNER) {
      throw new ConflictError('webhooks:errors.tooMany', { max: MAX_SUBSCRIPTIONS_PER_PARTNER });
    }
    const secret = newWebhookSecret();
    const id = this.deps.store.newId();
    const stored = await this.deps.store.insert({
      id,
      partnerRef: partner.id,
      url: input.url,
      events: [...new Set(input.events)],
      sealedSecret: this.deps.sealer.seal(secret, secretAad(id)),
      createdAt: this.deps.now(),
      createdBy: { aadObjectId: actor.aadObjectId, ...(actor.name ? { name: actor.name } : {}) },
    });
    this.log.info({ partnerRef: partner.id, subscriptionRef: id }, 'webhook subscribed');
    return { subscription: publicOf(stored), secret };
  }

  async list(actor: Actor): Promise<WebhookSubscription[]> {
    const { partner } = await this.authorize(actor);
    return (await this.deps.store.listByPartner(partner.id)).map(publicOf);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const { partner } = await this.authorize(actor);
    if (!(await this.deps.store.remove(partner.id, id))) {
      throw new NotFoundError('webhooks:errors.notFound');
    }
    this.log.info({ partnerRef: partner.id, subscriptionRef: id }, 'webhook deleted');
  }

  async deliveries(actor: Actor, id: string): Promise<WebhookDelivery[]> {
    const sub = await this.own(actor, id);
    return this.deps.store.recent(sub.id, RECENT_DELIVERIES);
  }

  /** Queues a test event to the subscription (whatever events it takes); returns its id. */
  async sendTest(actor: Actor, id: string): Promise<string> {
    const sub = await this.own(actor, id);
    const eventId = `evt_test_${randomUUID().replace(/-/g, '')}`;
    const at = this.deps.now();
    await this.deps.store.enqueue([
      {
        subscriptionId: sub.id,
        partnerRef: sub.partnerRef,
        eventId,
        type: TEST_EVENT,
        payload: body(eventId, TEST_EVENT, at, { subscriptionId: sub.id }),
        dueAt: this.deps.deliveryNow(),
      },
    ]);
    this.deps.queued?.();
    return eventId;
  }

  /**
   * Queues an event for every subscription of `partners` taking it, the resource as each
   * partner's side sees it. Idempotent by `eventId`: run again by the owed-notice sweep after
   * a crash, it queues nothing twice.
   */
  async emit(event: {
    readonly eventId: string;
    readonly type: WebhookEventType;
    readonly at: Date;
    readonly partnerRefs: readonly string[];
    /** What the event is about (`relationship:<id>`): a subscription gets its events in order. */
    readonly resourceKey: string;
    /** The resource as a partner sees it; read only when someone subscribed. */
    readonly data: (partnerRef: string) => Promise<unknown>;
  }): Promise<number> {
    const subs = await this.deps.store.subscribedTo(event.partnerRefs, event.type);
    if (subs.length === 0) return 0;
    const dataOf = new Map<string, unknown>();
    for (const ref of new Set(subs.map((s) => s.partnerRef))) {
      dataOf.set(ref, await event.data(ref));
    }
    const added = await this.deps.store.enqueue(
      subs.map((s) => ({
        subscriptionId: s.id,
        partnerRef: s.partnerRef,
        eventId: event.eventId,
        type: event.type,
        payload: body(event.eventId, event.type, event.at, dataOf.get(s.partnerRef)),
        resourceKey: event.resourceKey,
        // Due as soon as it is stored, on the worker's clock (the event's time is in the body).
        dueAt: this.deps.deliveryNow(),
      }))
    );
    if (added > 0) this.deps.queued?.();
    return added;
  }

  private async own(actor: Actor, id: string): Promise<StoredSubscription> {
    const { partner } = await this.authorize(actor);
    const sub = await this.deps.store.get(id);
    // Another partner's subscription is answered as one that does not exist.
    if (!sub || sub.partnerRef !== partner.id) throw new NotFoundError('webhooks:errors.notFound');
    return sub;
  }

  /** Subscriptions are a Global admin's, signed in as themselves: a key never manages them. */
  private async authorize(actor: Actor) {
    if (actor.apiKey) throw new NotAllowedError('webhooks:errors.notWithAKey');
    return this.deps.memberships.authorize(actor, 'apiKeys.manage');
  }
}

/** The body every delivery sends: the event's id, type and time, and the resource. */
function body(id: string, type: string, at: Date, data: unknown): string {
  return JSON.stringify({ id, type, timestamp: at.toISOString(), data });
}

function publicOf(s: StoredSubscription): WebhookSubscription {
  const { sealedSecret: _sealed, ...rest } = s;
  return rest;
}
