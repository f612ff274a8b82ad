import type { Logger } from '../src/logger.js';

/** One line of a benchmark's verdict: a measured value against the target. */
export interface BenchTarget {
  name: string;
  measured: string;
  target: string;
  pass: boolean;
}

/** What a benchmark reports: free-form measurements plus the targets it checks. */
export interface BenchResult {
  measurements: Array<[label: string, value: string]>;
  targets: BenchTarget[];
  notes?: string[];
}

/** Services the runner gives every benchmark. */
export interface BenchContext {
  /** A fresh temp folder (on the same disk as every other one), removed after the run. */
  tempDir(prefix: string): string;
  /** Full garbage collection (the runner makes sure `--expose-gc` is on). */
  gc(): void;
  logger: Logger;
  /** Progress line on stderr (the report itself goes to stdout and bench/report.md). */
  progress(message: string): void;
}

/** A benchmark: one file under bench/benchmarks/, registered in bench/benchmarks/index.ts. */
export interface Benchmark {
  /** Short id used to pick benchmarks on the command line: `npm run bench -- lookups`. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
