import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HealthContributor } from './health.route.js';

/**
 * `GET /metrics` in Prometheus text format, through prom-client (the client Prometheus's own
 * docs list for Node.js): process metrics (CPU, memory, event-loop lag, GC), HTTP request
 * latency by route and status, and every number the /healthz contributors report (the outbox
 * backlog and its oldest due age among them), read at scrape time.
 */
export interface MetricsDeps {
  /** Bearer token a scrape must present (config METRICS_TOKEN). */
  readonly token: string;
  readonly healthContributors: readonly HealthContributor[];
}

export function installMetrics(
  server: Server,
  deps: MetricsDeps
): (req: Request, res: Response) => Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'partner_connect_' });
  const requests = new Histogram({
    name: 'partner_connect_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status code (turns are POST /api/messages)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'partner_connect_health_value',
    help: 'Numbers reported by /healthz contributors, by field path (outbox.backlog, ...)',
    labelNames: ['field'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const contribute of deps.healthContributors) {
        const part = await contribute().catch(() => ({}));
        for (const [field, value] of numbers(part)) this.set({ field }, value);
      }
    },
  });
  // The route pattern, not the URL: invitation tokens in paths must not become labels.
  server.on('after', (req: Request, res: Response) => {
    const route = req.getRoute()?.path;
    // restify's req.time(): when the request arrived.
    const started = req.time();
    requests.observe(
      {
        method: req.method ?? '',
        route: typeof route === 'string' ? route : 'unmatched',
        status: String(res.statusCode),
      },
      (Date.now() - started) / 1000
    );
  });
  const expected = Buffer.from(`Bearer ${deps.token}`);
  return async (req: Request, res: Response) => {
    const given = Buffer.from(req.header('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.header('WWW-Authenticate', 'Bearer');
      res.send(401, { error: 'unauthorized' });
      return;
    }
    const body = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  };
}

/** `{ outbox: { backlog: 3 } }` -> `[['outbox.backlog', 3]]`: the finite numbers, by path. */
function numbers(value: unknown, prefix = ''): [string, number][] {
  if (typeof value === 'number') return Number.isFinite(value) ? [[prefix, value]] : [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => numbers(v, prefix ? `${prefix}.${k}` : k));
}
