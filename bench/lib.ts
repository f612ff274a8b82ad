/**
 * The product bench's shared parts: the shape of a report, load generation and percentiles.
 * A bench returns figures; run.ts renders them. Kept apart so test/bench can run a bench small.
 */
import os from 'node:os';
import type { Persona } from '../testkit/personas.js';

/** One measured number, next to what it is compared with. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The figure measured in the same run that this one is compared with (echo's turns/s). */
  readonly baseline?: { readonly name: string; readonly value: number; readonly unit: string };
  /** What it should be, in words (`≥ 0.5x echo`); absent: reported, not judged. */
  readonly target?: string;
  readonly met?: boolean;
}

export interface BenchResult {
  readonly figures: Figure[];
  /** Plain sentences: how it was measured, what bounds a figure. */
  readonly notes: string[];
  /** Anything structured worth keeping (command names per turn). */
  readonly details?: Record<string, unknown>;
}

export interface BenchOptions {
  /** How many different users (and relationships, conversations...) a bench uses; default per bench. */
  readonly users?: number;
  /** Fan-out size: notifications and conversations. */
  readonly notifications?: number;
  readonly conversations?: number;
  /** `scale`: partners in the large database (default: what fits its seeding budget; `--full`: 100,000). */
  readonly scalePartners?: number;
  /** Where the embedded bench runs (tests skip it). */
  readonly log?: (line: string) => void;
}

export interface Bench {
  readonly id: string;
  readonly title: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly platform: string;
  readonly loadavg: number[];
  readonly memoryGb: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  };
}

/** The q-quantile (0..1) of already measured values, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export interface LoadResult {
  readonly count: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** This process's CPU (user + system) per call: server, database when embedded, and client. */
  readonly cpuMsPerCall: number;
}

/**
 * Runs `count` calls of `one(i)` with `concurrency` in flight at once (each worker takes the
 * next index): throughput over the whole run and per-call latency.
 */
export async function load(
  count: number,
  concurrency: number,
  one: (i: number) => Promise<boolean>
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const ok = await one(i).catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    count,
    perSecond: count / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors,
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / count,
  };
}

/** The n-th of many different people, each in their own tenant (as resellers are). */
export function benchPersona(n: number, role = 'user'): Persona {
  const hex = n.toString(16).padStart(12, '0');
  const roleHex = [...role].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 0xffff, 7);
  const tenantId = `be${roleHex.toString(16).padStart(6, '0')}-0000-4000-8000-${hex}`;
  const email = `${role}${n}@bench${n}.example`;
  return {
    id: `bench-${role}-${n}`,
    tenantId,
    aadObjectId: `${roleHex.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`,
    name: `Bench ${role} ${n}`,
    givenName: 'Bench',
    surname: `${role}${n}`,
    email,
    upn: email,
    locale: 'en-US',
    organization: `Bench ${role} ${n}`,
  };
}

export const round = (x: number, digits = 1) => Number(x.toFixed(digits));
