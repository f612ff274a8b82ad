import './restify-without-spdy.js';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { Logger } from '../logging/logger.js';
import { InFlight } from './in-flight.js';
import { healthRoute, type HealthContributor } from './health.route.js';
import type { HttpRoute } from './http-route.js';
import { legalPageRoute } from './legal-pages.route.js';
import { installMetrics } from './metrics.route.js';
import { AppMetrics } from '../observability/metrics.js';

export interface WebServerDeps {
  /** `POST /api/messages` (bot/messages.route.ts): tracked, so shutdown lets turns finish. */
  readonly messages: (req: Request, res: Response) => Promise<void>;
  readonly ping: () => Promise<void>;
  readonly healthContributors?: readonly HealthContributor[];
  readonly logger: Logger;
  /** Features' own routes (an invitation page); a path registered twice is a wiring bug. */
  readonly routes?: readonly HttpRoute[];
  /** Set: `GET /metrics` for Prometheus, with this bearer token (web/metrics.route.ts). */
  readonly metricsToken?: string;
  /** The app's metrics (turns, deliveries, database); default: a set of its own. */
  readonly metrics?: AppMetrics;
}

/** The HTTP side of the bot: routes, plus a shutdown that lets turns in flight finish. */
export interface WebServer {
  readonly server: Server;
  /** `address` is the interface actually bound (`::` or `0.0.0.0` for all). */
  listen(port: number, host?: string): Promise<{ port: number; url: string; address: string }>;
  /**
   * Stops accepting connections and answers every request on the ones it accepted (a request
   * still arriving included), each with `Connection: close`; waits up to `timeoutMs` for them
   * and the turns in flight, then cuts what is left. False if something was cut.
   */
  close(timeoutMs: number): Promise<boolean>;
}

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/** Builds the restify server with `/api/messages`, `/healthz`, `/privacy` and `/terms`. */
export function createWebServer(deps: WebServerDeps): WebServer {
  const log = deps.logger.child({ module: 'web' });
  const server = restify.createServer({ name: 'partner-connect', handleUncaughtExceptions: false });
  const inFlight = new InFlight();
  const connections = trackConnections(server.server);
  let draining = false;
  // Bounds on slow clients, whatever the route: the headers within 10 s, the whole request
  // within 30 s (Node answers 408 and closes); /api/messages has its own 10 s body deadline.
  server.server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.server.requestTimeout = REQUEST_TIMEOUT_MS;

  // While draining, a request on a connection already accepted is answered in full (a Teams
  // click is not retried), and its connection closed after; only the health check says 503, so
  // a load balancer stops sending here.
  server.pre((req: Request, res: Response, next: Next) => {
    if (!draining) return next();
    res.header('Connection', 'close');
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/healthz') {
      res.send(503, { error: 'shutting_down', message: 'The bot is restarting; retry shortly.' });
      return next(false);
    }
    return next();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    await inFlight.track(deps.messages(req, res));
  });
  server.get(
    '/healthz',
    healthRoute({ ping: deps.ping, contributors: deps.healthContributors ?? [], logger: log })
  );
  // The Teams manifest links these as privacyUrl and termsOfUseUrl.
  server.get('/privacy', legalPageRoute('privacy'));
  server.get('/terms', legalPageRoute('terms'));
  const taken = new Set(['post /api/messages', 'get /healthz', 'get /privacy', 'get /terms']);
  if (deps.metricsToken) {
    const token = deps.metricsToken;
    const metrics = deps.metrics ?? new AppMetrics();
    metrics.addHealthSources(deps.healthContributors ?? []);
    server.get('/metrics', installMetrics(server, { token, metrics }));
    taken.add('get /metrics');
  }
  for (const route of deps.routes ?? []) {
    const key = `${route.method} ${route.path}`;
    if (taken.has(key)) throw new Error(`Route ${key} is registered twice`);
    taken.add(key);
    // restify 11 tells async handlers (req, res) from callback ones (req, res, next) by their
    // kind: an arrow returning a promise is neither, and mounting it throws.
    // restify names DELETE's mount `del`.
    server[route.method === 'delete' ? 'del' : route.method](
      route.path,
      async (req: Request, res: Response) => {
        try {
          await route.handle(req, res);
        } catch (err) {
          log.error({ err, route: route.path }, 'route failed');
          if (!res.headersSent) res.send(500, { error: 'internal' });
        }
      }
    );
  }

  answerUnroutableAsTheirRoute(server, deps.routes ?? [], log);

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          const address = server.server.address() as AddressInfo;
          const shown = host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost';
          resolve({
            port: address.port,
            url: `http://${shown}:${address.port}`,
            address: address.address,
          });
        });
      });
    },
    async close(timeoutMs) {
      draining = true;
      // net's close, not http's: that one also destroys every connection without a request in
      // progress, those accepted a moment ago whose request is still on its way among them.
      const closed = new Promise<void>((resolve) =>
        net.Server.prototype.close.call(server.server, () => resolve())
      );
      connections.endBetweenRequests();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all([closed, inFlight.drain(timeoutMs)]).then(([, turns]) => turns),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!drained)
        log.warn(
          { unfinished: inFlight.size, connections: connections.open },
          'shutdown timeout: requests still running were cut'
        );
      server.server.closeAllConnections();
      await closed;
      // http's own close now only stops its timeout checks (the server no longer listens).
      server.server.close(() => undefined);
      return drained;
    },
  };
}

/**
 * Which connections sit between two requests (keep-alive, nothing asked): at shutdown those are
 * ended at once, and any other ends once its response is sent. One accepted but that has not
 * sent its first request yet is left to send it.
 */
function trackConnections(http: Server['server']) {
  const state = new Map<Socket, { served: number; busy: number }>();
  let draining = false;
  // Closed for good once the FIN is out: a client that never closes its side holds nothing.
  const finish = (socket: Socket) => socket.end(() => socket.destroy());
  http.on('connection', (socket: Socket) => {
    state.set(socket, { served: 0, busy: 0 });
    socket.once('close', () => state.delete(socket));
  });
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const s = state.get(req.socket);
    if (!s) return;
    s.busy++;
    res.once('close', () => {
      s.busy--;
      s.served++;
      if (draining && s.busy === 0) finish(req.socket);
    });
  });
  return {
    get open() {
      return state.size;
    },
    endBetweenRequests() {
      draining = true;
      for (const [socket, s] of state) if (s.served > 0 && s.busy === 0) finish(socket);
    },
  };
}

/**
 * A path under a feature's `GET /<prefix>/:<param>` route that restify cannot route (a value it
 * cannot decode, `%E0%A4%A`, or one with a slash) is answered by that route as an empty value:
 * its own "not found" page and headers (no-store, never framed), so a malformed token reads
 * exactly like an unknown one and the path is never echoed back in restify's JSON 404.
 */
function answerUnroutableAsTheirRoute(server: Server, routes: readonly HttpRoute[], log: Logger) {
  const owners = routes.flatMap((route) => {
    const m = /^(\/[^/:]+\/):([A-Za-z]+)$/.exec(route.path);
    return route.method === 'get' && m ? [{ prefix: m[1]!, param: m[2]!, route }] : [];
  });
  server.on('NotFound', (req: Request, res: Response, _err: unknown, done: () => void) => {
    const path = (req.url ?? '').split('?')[0]!;
    const owner = req.method === 'GET' ? owners.find((o) => path.startsWith(o.prefix)) : undefined;
    if (!owner) return done();
    (req as { params?: Record<string, string> }).params = { [owner.param]: '' };
    owner.route.handle(req, res).then(done, (err: unknown) => {
      log.error({ err, route: owner.route.path }, 'route failed');
      if (!res.headersSent) res.send(500, { error: 'internal' });
      done();
    });
  });
}
