import type { Request, Response } from 'restify';
import type { Logger } from '../logging/logger.js';

/**
 * Adds fields to the /healthz body (e.g. the notification outbox backlog). Throwing, or not
 * answering within the health timeout, makes the whole check 503.
 */
export type HealthContributor = () => Promise<Record<string, unknown>>;

/** A ping slower than this counts as down: a health check must answer quickly. */
export const HEALTH_TIMEOUT_MS = 2_000;

export interface HealthDeps {
  readonly ping: () => Promise<void>;
  readonly contributors: readonly HealthContributor[];
  readonly logger: Logger;
  readonly timeoutMs?: number;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `GET /healthz`: 200 `{status:'ok', ...}` when the database answers, else 503. */
export function healthRoute(deps: HealthDeps) {
  const timeoutMs = deps.timeoutMs ?? HEALTH_TIMEOUT_MS;
  return async (_req: Request, res: Response): Promise<void> => {
    let body: Record<string, unknown> = {};
    let healthy = true;
    try {
      await withTimeout(deps.ping(), timeoutMs, 'database');
      const parts = await withTimeout(
        Promise.all(deps.contributors.map((contribute) => contribute())),
        timeoutMs,
        'health contributors'
      );
      for (const part of parts) body = { ...body, ...part };
    } catch (err) {
      healthy = false;
      deps.logger.warn({ err }, 'health check failed');
    }
    res.header('Cache-Control', 'no-store');
    res.send(healthy ? 200 : 503, { ...body, status: healthy ? 'ok' : 'unavailable' });
  };
}
