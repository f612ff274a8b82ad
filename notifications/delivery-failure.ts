import { parseRetryAfter } from './backoff.js';

/**
 * Why a send failed, as the outbox acts on it: `transient` is retried with backoff, `gone`
 * (403/404: bot removed, conversation deleted) holds the notification until the user installs
 * again, `permanent` (400, 413: the message itself is bad) is dead-lettered at once.
 */
export interface DeliveryFailure {
  readonly kind: 'transient' | 'gone' | 'permanent';
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The Bot Connector did not answer in time (no status). */
  readonly timedOut?: boolean;
  readonly message: string;
}

/** Raised by the sender when the Bot Connector did not answer in time. */
export class SendTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer from the Bot Connector within ${ms} ms`);
    this.name = 'SendTimeoutError';
  }
}

interface HttpLikeError {
  statusCode?: number;
  status?: number;
  response?: {
    headers?: { get?(name: string): string | undefined | null } | Record<string, string>;
  };
  message?: string;
}

function headerOf(err: HttpLikeError, name: string): string | undefined {
  const headers = err.response?.headers;
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | undefined | null }).get(name) ?? undefined;
  }
  return (headers as Record<string, string>)[name];
}

/** Classifies an error thrown while sending (a RestError from the connector, a timeout, a socket error). */
export function classifyFailure(err: unknown, now: number): DeliveryFailure {
  const e = (err ?? {}) as HttpLikeError;
  const status = e.statusCode ?? e.status;
  const message = `${status ? `HTTP ${status}: ` : ''}${(e.message ?? String(err)).slice(0, 300)}`;
  if (err instanceof SendTimeoutError) return { kind: 'transient', timedOut: true, message };
  if (status === 403 || status === 404) return { kind: 'gone', status, message };
  if (status === 400 || status === 413) return { kind: 'permanent', status, message };
  const retryAfterMs = parseRetryAfter(headerOf(e, 'retry-after'), now);
  // 429, 412, 5xx, socket errors, anything unknown: retried, bounded by maxAttempts.
  return {
    kind: 'transient',
    message,
    ...(status ? { status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

const NAMED_STATUSES = new Set([400, 403, 404, 412, 413, 429]);

/** The failure as a metrics label: the statuses the worker treats apart, else the class. */
export function failureStatus(failure: DeliveryFailure): string {
  if (failure.timedOut) return 'timeout';
  const status = failure.status;
  if (!status) return 'network';
  if (NAMED_STATUSES.has(status)) return String(status);
  return `${Math.floor(status / 100)}xx`;
}
