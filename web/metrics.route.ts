import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { AppMetrics } from '../observability/metrics.js';

/**
 * `GET /metrics` in Prometheus text format, from the app's metrics (observability/metrics.ts):
 * this file adds HTTP request latency by route and status and serves the scrape to callers
 * with the bearer token.
 */
export interface MetricsDeps {
  /** Bearer token a scrape must present (config METRICS_TOKEN). */
  readonly token: string;
  readonly metrics: AppMetrics;
}

export function installMetrics(
  server: Server,
  deps: MetricsDeps
): (req: Request, res: Response) => Promise<void> {
  const { metrics } = deps;
  // The route pattern, not the URL: invitation tokens in paths must not become labels.
  server.on('after', (req: Request, res: Response) => {
    const route = req.getRoute()?.path;
    // restify's req.time(): when the request arrived.
    const started = req.time();
    metrics.httpRequest(
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
    const { body, contentType } = await metrics.render();
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  };
}
