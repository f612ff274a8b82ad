import { createHash, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** Events a partner may subscribe to (issue 31). */
export const WEBHOOK_EVENTS = [
  'relationship.requested',
  'relationship.authorized',
  'relationship.declined',
  'relationship.withdrawn',
  'relationship.ended',
  'relationship.extended',
  'relationship.expiring',
  'relationship.expired',
  'invitation.created',
  'invitation.accepted',
  'invitation.declined',
  'invitation.revoked',
  'invitation.expired',
  'customer.linked',
  'customer.unlinked',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** What `POST /webhooks/:id/test` sends: always delivered, whatever the subscription's events. */
export const TEST_EVENT = 'webhook.test';

/** Subscriptions a partner holds at most (each event is one delivery per subscription). */
export const MAX_SUBSCRIPTIONS_PER_PARTNER = 20;

export interface WebhookSubscription {
  readonly id: string;
  readonly partnerRef: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly createdAt: Date;
  readonly createdBy: { readonly aadObjectId: string; readonly name?: string };
  /** Set when a delivery kept failing for the whole retry window; cleared by a later success. */
  readonly failingSince?: Date;
}

export type WebhookDeliveryState = 'due' | 'leased' | 'sent' | 'failed';

/** One event for one subscription: the body as signed, and how its attempts went. */
export interface WebhookDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly type: string;
  /** The JSON body exactly as sent and signed. */
  readonly payload: string;
  readonly state: WebhookDeliveryState;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly dueAt: Date;
  readonly lastAttemptAt?: Date;
  readonly lastStatus?: number;
  readonly lastError?: string;
  /** The resource the event is about: its deliveries to one subscription go in order. */
  readonly resourceKey?: string;
}

/** A new secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The event id of a transition, the same however often it is emitted (the owed-notice sweep
 * repeating it after a crash): receivers de-duplicate by it, and so does the delivery store.
 */
export function eventIdOf(stamp: string): string {
  return `evt_${createHash('sha256').update(stamp).digest('hex').slice(0, 32)}`;
}

/**
 * Why a subscription URL is refused (an i18n key of `webhooks:errors`), or undefined: https
 * only; http only to a loopback address and only when the deployment allows it (local testing);
 * no credentials in the URL; an address literal that is private or loopback refused unless
 * allowed. Host names are checked again at every delivery, on the address they resolve to.
 */
export function webhookUrlRefusal(
  raw: string,
  opts: { readonly allowHttpLoopback: boolean }
): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'webhooks:errors.badUrl';
  }
  if (url.username || url.password) return 'webhooks:errors.badUrl';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = isLoopbackHost(host);
  if (url.protocol === 'http:') {
    if (!loopback) return 'webhooks:errors.httpsOnly';
    if (!opts.allowHttpLoopback) return 'webhooks:errors.httpLoopbackNotAllowed';
    return undefined;
  }
  if (url.protocol !== 'https:') return 'webhooks:errors.httpsOnly';
  if (isIP(host) && addressRefusal(host, opts.allowHttpLoopback)) {
    return 'webhooks:errors.privateAddress';
  }
  if (loopback && !opts.allowHttpLoopback) return 'webhooks:errors.privateAddress';
  return undefined;
}

function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return isIP(h) !== 0 && LOOPBACK.check(h, isIP(h) === 6 ? 'ipv6' : 'ipv4');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Addresses a webhook never reaches: private, link-local (cloud metadata), shared, reserved. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/**
 * Whether a resolved address is refused: private and reserved ranges always, loopback unless
 * `allowLoopback` (WEBHOOK_ALLOW_HTTP_LOOPBACK, local testing). IPv4-mapped IPv6 is checked as
 * the IPv4 address it is.
 */
export function addressRefusal(address: string, allowLoopback: boolean): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = isIP(ip) === 6 ? 'ipv6' : isIP(ip) === 4 ? 'ipv4' : undefined;
  if (!family) return true;
  if (LOOPBACK.check(ip, family)) return !allowLoopback;
  return PRIVATE.check(ip, family);
}

/**
 * When a failed delivery is tried again: `baseMs` doubled each attempt, capped at an hour, so
 * a receiver down for a day gets about 30 attempts, never a storm.
 */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}
