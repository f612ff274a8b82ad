import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryMetrics } from '../notifications/delivery-metrics.port.js';
import type { TurnMetrics, TurnRecord } from '../logging/turn-log.js';
import { clusterScrape, type Scrape } from './cluster-metrics.js';

/** Reads the numbers a /healthz contributor reports (web/health.route.ts's HealthContributor). */
type NumberSource = () => Promise<unknown>;

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/**
 * The app's Prometheus metrics (prom-client), built once per app and only when METRICS_TOKEN is
 * set. It implements the ports the bot's messages route (`TurnMetrics`) and the delivery
 * worker (`DeliveryMetrics`) record through, so neither imports prom-client. Every label value
 * comes from a closed set (activity types, registered command and verb names, driver command
 * names, HTTP status classes): never user text, ids or URLs.
 */
export class AppMetrics implements TurnMetrics, DeliveryMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly turns: Counter<'activity' | 'kind' | 'outcome'>;
  private readonly turnSeconds: Histogram<'activity' | 'outcome'>;
  private readonly deliveries: Counter<'kind' | 'status' | 'result'>;
  private readonly retryAfter: Histogram;
  private readonly deadLetters: Counter<'kind'>;
  private readonly dbSeconds: Histogram<'command' | 'outcome'>;
  private readonly healthSources: NumberSource[] = [];
  /** Set in a bot process of several (`npm start`): the scrape of them all, via the supervisor. */
  private readonly clusterScrape?: () => Promise<Scrape>;

  /** `cluster`: this is one bot process of several, and /metrics answers for them all. */
  constructor(options: { readonly cluster?: boolean } = {}) {
    if (options.cluster) this.clusterScrape = clusterScrape(this.registry);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'partner_connect_' });
    this.http = new Histogram({
      name: 'partner_connect_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status code (turns are POST /api/messages)',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.turns = new Counter({
      name: 'partner_connect_turns_total',
      help: 'Activities posted to /api/messages, by activity type, kind (command:<name>, verb:<verb>, invoke:<name>, ...) and outcome (ok, refused, error, rejected)',
      labelNames: ['activity', 'kind', 'outcome'] as const,
      registers,
    });
    this.turnSeconds = new Histogram({
      name: 'partner_connect_turn_duration_seconds',
      help: 'Turn latency from the request to the response, by activity type and outcome',
      labelNames: ['activity', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.deliveries = new Counter({
      name: 'partner_connect_deliveries_total',
      help: 'Outbox send attempts by kind (message, update), status (sent, 429, 412, 5xx, 4xx, 403, 404, timeout, network) and what followed (sent, retry, held, skipped, dead_letter)',
      labelNames: ['kind', 'status', 'result'] as const,
      registers,
    });
    this.retryAfter = new Histogram({
      name: 'partner_connect_delivery_retry_after_seconds',
      help: 'Waits the Bot Connector asked for with Retry-After (429 and 503 answers)',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'partner_connect_dead_letters_total',
      help: 'Notifications dead-lettered (given up on; operators see them with `outbox`)',
      labelNames: ['kind'] as const,
      registers,
    });
    this.dbSeconds = new Histogram({
      name: 'partner_connect_db_command_duration_seconds',
      help: 'Database command latency by driver command name (find, update, insert, ...) and outcome',
      labelNames: ['command', 'outcome'] as const,
      buckets: DB_BUCKETS,
      registers,
    });
    const sources = this.healthSources;
    new Gauge({
      name: 'partner_connect_health_value',
      help: 'Numbers reported by /healthz contributors, by field path (outbox.backlog, ...)',
      labelNames: ['field'] as const,
      registers,
      // Each bot process reads the same database: summing them would count it once per process.
      aggregator: 'max',
      async collect() {
        this.reset();
        for (const contribute of sources) {
          const part = await contribute().catch(() => ({}));
          for (const [field, value] of numbers(part)) this.set({ field }, value);
        }
      },
    });
  }

  /** The /healthz contributors whose numbers each scrape reads (outbox backlog and age). */
  addHealthSources(sources: readonly NumberSource[]): void {
    this.healthSources.push(...sources);
  }

  httpRequest(labels: { method: string; route: string; status: string }, seconds: number): void {
    this.http.observe(labels, seconds);
  }

  turn(record: TurnRecord): void {
    this.turns.inc({ activity: record.activity, kind: record.kind, outcome: record.outcome });
    this.turnSeconds.observe(
      { activity: record.activity, outcome: record.outcome },
      record.seconds
    );
  }

  attempt(kind: string, status: string, result: string): void {
    this.deliveries.inc({ kind, status, result });
  }

  retryAfterWait(seconds: number): void {
    this.retryAfter.observe(seconds);
  }

  deadLettered(kind: string): void {
    this.deadLetters.inc({ kind });
  }

  dbCommand(command: string, ok: boolean, seconds: number): void {
    this.dbSeconds.observe({ command, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /** The scrape: Prometheus text format, and its content type. */
  async render(): Promise<Scrape> {
    if (this.clusterScrape) return this.clusterScrape();
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/** `{ outbox: { backlog: 3 } }` -> `[['outbox.backlog', 3]]`: the finite numbers, by path. */
function numbers(value: unknown, prefix = ''): [string, number][] {
  if (typeof value === 'number') return Number.isFinite(value) ? [[prefix, value]] : [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => numbers(v, prefix ? `${prefix}.${k}` : k));
}
