import type { WebhookDelivery, WebhookEventType, WebhookSubscription } from './webhook.js';

/** A subscription as stored: with its signing secret, sealed (never in clear). */
export interface StoredSubscription extends WebhookSubscription {
  readonly sealedSecret: string;
}

/** A new delivery: one event for one subscription. */
export interface NewWebhookDelivery {
  readonly subscriptionId: string;
  readonly partnerRef: string;
  readonly eventId: string;
  readonly type: string;
  readonly payload: string;
  readonly dueAt: Date;
  /**
   * The resource the event is about (`invitation:<id>`): a subscription gets a resource's events
   * one after another, in the order they were queued. None for the test event.
   */
  readonly resourceKey?: string;
}

/**
 * Subscriptions and their deliveries. Every move of a delivery is one conditional update on
 * (id, state, owner), as the notification outbox's, so two processes never send it at once
 * except after a lease ran out (at least once; receivers de-duplicate by the event id).
 */
export interface WebhookStore {
  /** A fresh id, so the secret can be sealed for the record before it is inserted. */
  newId(): string;
  insert(sub: StoredSubscription): Promise<StoredSubscription>;
  get(id: string): Promise<StoredSubscription | null>;
  listByPartner(partnerRef: string): Promise<StoredSubscription[]>;
  countByPartner(partnerRef: string): Promise<number>;
  /** Subscriptions of these partners that take this event. */
  subscribedTo(
    partnerRefs: readonly string[],
    type: WebhookEventType
  ): Promise<StoredSubscription[]>;
  /** Deletes the subscription and its deliveries not yet sent; false if it was not the partner's. */
  remove(partnerRef: string, id: string): Promise<boolean>;
  /** Marks (or clears, with null) the subscription failing; true when this call marked it. */
  setFailing(id: string, since: Date | null): Promise<boolean>;
  /** Inserts what is not there yet: (subscriptionId, eventId) is unique. Returns how many were new. */
  enqueue(items: readonly NewWebhookDelivery[]): Promise<number>;
  /**
   * Leases the oldest due delivery (or one whose lease ran out) of a subscription not skipped
   * that is the head of its resource: no earlier delivery of the same subscription and resource
   * is still due or leased (a sent or given-up one holds nothing back).
   */
  claim(opts: {
    owner: string;
    now: Date;
    leaseMs: number;
    skipSubscriptionIds: readonly string[];
  }): Promise<WebhookDelivery | null>;
  /** The attempt's outcome, if the lease is still the owner's. */
  settle(
    id: string,
    owner: string,
    outcome: {
      readonly state: 'sent' | 'due' | 'failed';
      readonly at: Date;
      readonly dueAt?: Date;
      readonly status?: number;
      readonly error?: string;
    }
  ): Promise<boolean>;
  /** The last deliveries of a subscription, newest first. */
  recent(subscriptionId: string, limit: number): Promise<WebhookDelivery[]>;
}
