/**
 * `npm run bench [-- id ...]`: runs the benchmarks in bench/benchmarks/index.ts (all, or the ids
 * given), prints a markdown report and writes it to bench/report.md. A report, not a test: the
 * targets are printed with PASS/FAIL and the exit code is 0 either way.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/logger.js';
import type { BenchContext, BenchResult, Benchmark } from './bench-types.js';
import { benchmarks } from './benchmarks/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function rerunWithGc(): never {
  // Memory figures need a real full GC, which only --expose-gc gives.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' }
  );
  process.exit(child.status ?? 1);
}

function machineLine(): string {
  const cpus = os.cpus();
  return `Node ${process.version}, ${os.platform()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

function render(
  results: Array<{ bench: Benchmark; result?: BenchResult; error?: Error; ms: number }>
): string {
  const lines = [
    '# Embedded database benchmark report',
    '',
    `Run ${new Date().toISOString()} on ${machineLine()}.`,
    'Regenerate with `npm run bench`. Numbers depend on the disk and on other load on the machine.',
    '',
    '## Targets',
    '',
    '| Result | Target | Measured | Required |',
    '| --- | --- | --- | --- |',
  ];
  for (const { result } of results) {
    for (const t of result?.targets ?? []) {
      lines.push(`| ${t.pass ? 'PASS' : 'FAIL'} | ${t.name} | ${t.measured} | ${t.target} |`);
    }
  }
  for (const { bench, result, error, ms } of results) {
    lines.push('', `## ${bench.title}`, '', `(\`${bench.id}\`, ${(ms / 1000).toFixed(1)} s)`, '');
    if (error) {
      lines.push('FAILED TO RUN: `' + (error.stack ?? error.message).split('\n')[0] + '`');
      continue;
    }
    lines.push('| Measurement | Value |', '| --- | --- |');
    for (const [label, value] of result!.measurements) lines.push(`| ${label} | ${value} |`);
    for (const note of result!.notes ?? []) lines.push('', note);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  if (typeof globalThis.gc !== 'function') rerunWithGc();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((id) => !benchmarks.some((b) => b.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown benchmark(s) ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.id).join(', ')}`
    );
  }
  const selected =
    wanted.length === 0 ? benchmarks : benchmarks.filter((b) => wanted.includes(b.id));
  const dirs: string[] = [];
  const ctx: BenchContext = {
    tempDir: (prefix) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
      dirs.push(dir);
      return dir;
    },
    gc: () => {
      for (let i = 0; i < 3; i++) globalThis.gc!();
    },
    logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn'),
    progress: (message) => process.stderr.write(`[bench] ${message}\n`),
  };
  const results: Array<{ bench: Benchmark; result?: BenchResult; error?: Error; ms: number }> = [];
  try {
    for (const bench of selected) {
      ctx.progress(`${bench.id}: ${bench.title}`);
      const started = Date.now();
      try {
        results.push({ bench, result: await bench.run(ctx), ms: Date.now() - started });
      } catch (err) {
        results.push({ bench, error: err as Error, ms: Date.now() - started });
        ctx.progress(`${bench.id} failed: ${(err as Error).stack}`);
      }
    }
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  const report = render(results);
  fs.writeFileSync(path.join(here, 'report.md'), report);
  process.stdout.write(report);
}

await main();
