import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../logging/logger.js';
import { addressRefusal, retryDelayMs, type WebhookDelivery } from '../domain/webhooks/webhook.js';
import type { StoredSubscription, WebhookStore } from '../domain/webhooks/webhook-store.port.js';
import { secretAad, type SecretSealer } from '../domain/webhooks/webhook.service.js';
import type { Clock } from './clock.js';
import { SlotPump } from './slot-pump.js';

/** The most of a receiver's answer read (and kept, as a status): the rest is never read. */
export const MAX_RESPONSE_BYTES = 4 * 1024;
/** Deliveries in flight at once in a process; one per subscription, so one slow receiver holds one. */
export const WEBHOOK_SLOTS = 8;

export interface WebhookWorkerOptions {
  /** The most one attempt takes, connection to last byte read. */
  readonly timeoutMs: number;
  /** The first retry's delay (doubled each attempt, capped at an hour). */
  readonly retryMs: number;
  /** How long a delivery is retried before it fails and its subscription is marked failing. */
  readonly retryForMs: number;
  readonly allowLoopback: boolean;
}

/** What one attempt came to: a status (2xx is delivered) or why there was none. */
export type AttemptResult = { status: number } | { error: string };

/**
 * Delivers webhook events: claims a due delivery (a lease, so another process takes it over
 * after a crash), signs it with the subscription's secret (Standard Webhooks, the event id as
 * `webhook-id`), POSTs it within a bounded time, and settles it with one conditional update.
 * At most one delivery of a subscription is in flight per process, so a slow receiver holds one
 * slot and only its own deliveries wait; the Teams outbox and bot turns never wait on it.
 */
export class WebhookWorker {
  private readonly log: Logger;
  private readonly owner = `webhooks-${randomUUID()}`;
  private readonly pump: SlotPump<WebhookDelivery>;

  constructor(
    private readonly deps: {
      readonly store: WebhookStore;
      readonly sealer: SecretSealer;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly options: WebhookWorkerOptions;
      /**
       * Tells the subscription's owners it is failing (Teams). Called before it is marked, with
       * a key of the delivery given up, so a crash in between repeats it under the same key.
       */
      readonly onFailing?: (sub: StoredSubscription, key: string) => Promise<void>;
    }
  ) {
    this.log = deps.logger.child({ module: 'webhook-worker' });
    const { options } = deps;
    this.pump = new SlotPump({
      slots: WEBHOOK_SLOTS,
      // Other processes queue too: polled at the first retry's pace, at most once a second.
      pollMs: Math.min(1000, options.retryMs),
      claim: async (busy) =>
        (await deps.store.claim({
          owner: this.owner,
          now: new Date(deps.clock.now()),
          leaseMs: options.timeoutMs + 30_000,
          skipSubscriptionIds: busy,
        })) ?? undefined,
      // One delivery of a subscription at a time: a slow receiver holds one slot.
      keyOf: (d) => d.subscriptionId,
      run: (d) => this.deliver(d),
      log: this.log,
      what: 'webhook delivery',
    });
  }

  start(): void {
    this.pump.start();
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
  stop(): Promise<void> {
    return this.pump.stop();
  }

  /** Looks for due deliveries now (an event was queued in this process). */
  wake(): void {
    this.pump.wake();
  }

  private async deliver(d: WebhookDelivery): Promise<void> {
    const { store, sealer, options } = this.deps;
    const sub = await store.get(d.subscriptionId);
    const at = () => new Date(this.deps.clock.now());
    if (!sub) {
      await store.settle(d.id, this.owner, { state: 'failed', at: at(), error: 'unsubscribed' });
      return;
    }
    const secret = sealer.open(sub.sealedSecret, secretAad(sub.id)) as string;
    const timestamp = at();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'PartnerConnect-Webhooks/1',
      'webhook-id': d.eventId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(d.eventId, timestamp, d.payload),
    };
    const result = await postOnce(sub.url, headers, d.payload, options);
    const now = at();
    if ('status' in result && result.status >= 200 && result.status < 300) {
      await store.settle(d.id, this.owner, { state: 'sent', at: now, status: result.status });
      if (sub.failingSince) await store.setFailing(sub.id, null);
      return;
    }
    const outcome = {
      at: now,
      ...('status' in result ? { status: result.status } : { error: result.error }),
    };
    if (now.getTime() - d.createdAt.getTime() >= options.retryForMs) {
      if (!sub.failingSince && this.deps.onFailing) {
        try {
          await this.deps.onFailing(sub, `webhook:${sub.id}:failing:${d.id}`);
        } catch (err) {
          this.log.error({ err, subscriptionRef: sub.id }, 'failing webhook: owners not told');
        }
      }
      await store.setFailing(sub.id, now);
      await store.settle(d.id, this.owner, { state: 'failed', ...outcome });
      this.log.warn({ subscriptionRef: sub.id, deliveryRef: d.id }, 'webhook given up: failing');
      return;
    }
    const dueAt = new Date(now.getTime() + retryDelayMs(d.attempts, options.retryMs));
    await store.settle(d.id, this.owner, { state: 'due', dueAt, ...outcome });
  }
}

/**
 * One POST, bounded: the whole attempt within `timeoutMs`; a redirect is an answer, never
 * followed; at most MAX_RESPONSE_BYTES of the answer read; the address the name resolves to
 * checked at connection time (no rebinding between a check and the connect).
 */
export function postOnce(
  url: string,
  headers: Record<string, string>,
  payload: string,
  opts: Pick<WebhookWorkerOptions, 'timeoutMs' | 'allowLoopback'>
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ error: 'bad url' });
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && addressRefusal(host, opts.allowLoopback)) {
      return resolve({ error: 'address refused' });
    }
    let settled = false;
    const done = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
      lookup: guardedLookup(opts.allowLoopback),
      agent: false,
    });
    const timer = setTimeout(() => done({ error: 'timeout' }), opts.timeoutMs);
    req.on('error', (err) => done({ error: err.message.slice(0, 200) }));
    req.on('response', (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_RESPONSE_BYTES) done({ status: res.statusCode ?? 0 });
      });
      res.on('end', () => done({ status: res.statusCode ?? 0 }));
      res.on('error', () => done({ status: res.statusCode ?? 0 }));
    });
    req.end(payload);
  });
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number
) => void;

/** dns.lookup refusing private (and, unless allowed, loopback) addresses. */
function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
      if (list.length === 0 || list.some((a) => addressRefusal(a.address, allowLoopback))) {
        const refused: NodeJS.ErrnoException = new Error('address refused');
        refused.code = 'EREFUSED';
        return callback(refused, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
