/**
 * What a send attempt answered, as metrics label it: `sent`, the HTTP status (`429`, `412`,
 * `403`, `404`, `400`, `413`), its class (`5xx`, `4xx`), `timeout` (no answer in time) or
 * `network` (no HTTP answer at all).
 */
export type DeliveryStatus = string;

/** What the worker did next: recorded, retried later, held for an install, skipped, given up. */
export type DeliveryResult = 'sent' | 'retry' | 'held' | 'skipped' | 'dead_letter';

/**
 * Where the delivery worker reports its sends (observability/metrics.ts implements it with
 * prom-client); a port so that notifications/ stays free of the metrics library.
 */
export interface DeliveryMetrics {
  attempt(
    kind: 'message' | 'update' | 'mail',
    status: DeliveryStatus,
    result: DeliveryResult
  ): void;
  /** A Retry-After wait the Bot Connector asked for, in seconds. */
  retryAfterWait(seconds: number): void;
  deadLettered(kind: 'message' | 'update' | 'mail'): void;
}
