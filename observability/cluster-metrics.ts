import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';

/** A bot process asks the supervisor for the scrape of them all; the answer. */
const SCRAPE = 'partner-connect:metrics-scrape';
const SCRAPED = 'partner-connect:metrics-scraped';
/** The supervisor asks each bot process for its numbers; the answer. */
const COLLECT = 'partner-connect:metrics-collect';
const PART = 'partner-connect:metrics-part';

/** How long a scrape waits for the bot processes (Prometheus' own default timeout is 10 s). */
const COLLECT_TIMEOUT_MS = 3_000;

export interface Scrape {
  readonly body: string;
  readonly contentType: string;
}

interface Message {
  readonly type?: unknown;
  readonly id?: unknown;
}

/**
 * In a bot process of `npm start` (a cluster worker): answers the supervisor's collections with
 * `registry`'s numbers, and returns the scrape /metrics serves, of every bot process at once
 * (prom-client's aggregation: counters and histograms summed; the /healthz gauge, which every
 * process reads from the one database, is its greatest). Whichever process a scrape reaches,
 * Prometheus sees the whole bot.
 */
export function clusterScrape(registry: Registry): () => Promise<Scrape> {
  const waiting = new Map<
    number,
    (answer: Message & Partial<Scrape> & { error?: string }) => void
  >();
  let next = 0;
  process.on('message', (message: Message & Partial<Scrape> & { error?: string }) => {
    if (message?.type === COLLECT) {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: PART, id: message.id, metrics }),
        (err: unknown) => process.send?.({ type: PART, id: message.id, error: String(err) })
      );
    } else if (message?.type === SCRAPED && typeof message.id === 'number') {
      waiting.get(message.id)?.(message);
    }
  });
  return () =>
    new Promise<Scrape>((resolve, reject) => {
      if (!process.connected) return reject(new Error('metrics: the supervisor is gone'));
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('metrics: the supervisor did not answer'));
      }, COLLECT_TIMEOUT_MS * 2);
      waiting.set(id, (answer) => {
        waiting.delete(id);
        clearTimeout(timer);
        if (typeof answer.body === 'string' && typeof answer.contentType === 'string')
          resolve({ body: answer.body, contentType: answer.contentType });
        else reject(new Error(`metrics: ${answer.error ?? 'no scrape'}`));
      });
      process.send?.({ type: SCRAPE, id });
    });
}

/**
 * In the supervisor: a bot process's scrape request is answered with the aggregate of every
 * listening bot process's numbers (`listening()`); one that does not answer in time is left out
 * of that scrape, logged.
 */
export function serveClusterMetrics(listening: () => readonly Worker[], logger: Logger): void {
  const log = logger.child({ module: 'metrics' });
  const collections = new Map<number, (worker: Worker, message: Message) => void>();
  let next = 0;
  const collect = (): Promise<Scrape> =>
    new Promise((resolve) => {
      const id = next++;
      const asked = listening().filter((w) => w.isConnected());
      const parts: object[] = [];
      const answered = new Set<number>();
      const finish = () => {
        collections.delete(id);
        clearTimeout(timer);
        const missing = asked.filter((w) => !answered.has(w.id)).length;
        if (missing > 0) log.warn({ missing }, 'bot processes left out of a scrape: no answer');
        const registry = AggregatorRegistry.aggregate(parts);
        registry.metrics().then((body) => resolve({ body, contentType: registry.contentType }));
      };
      const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
      collections.set(id, (worker, message) => {
        answered.add(worker.id);
        const metrics = (message as { metrics?: unknown }).metrics;
        if (Array.isArray(metrics)) parts.push(metrics);
        if (answered.size >= asked.length) finish();
      });
      for (const worker of asked) worker.send({ type: COLLECT, id });
      if (asked.length === 0) finish();
    });

  cluster.on('message', (worker: Worker, message: Message) => {
    if (message?.type === PART && typeof message.id === 'number') {
      collections.get(message.id)?.(worker, message);
    } else if (message?.type === SCRAPE) {
      collect().then(
        (scrape) =>
          worker.isConnected() && worker.send({ type: SCRAPED, id: message.id, ...scrape }),
        (err: unknown) =>
          worker.isConnected() && worker.send({ type: SCRAPED, id: message.id, error: String(err) })
      );
    }
  });
}
