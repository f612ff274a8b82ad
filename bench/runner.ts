/**
 * Runs product benches and renders their figures: bench/report.md and bench/report.json.
 * A report, not a test: a target not met is named in it, and the run still succeeds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { embeddedBench } from './embedded.js';
import { fanoutBench } from './fanout.js';
import { flowsBench } from './flows.js';
import { machine, type Bench, type BenchOptions, type BenchResult, type Machine } from './lib.js';
import { roundtripsBench } from './roundtrips.js';
import { scaleBench } from './scale.js';
import { tabBench } from './tab.js';
import { turnBench } from './turn.js';

export const benches: readonly Bench[] = [
  turnBench,
  roundtripsBench,
  fanoutBench,
  flowsBench,
  scaleBench,
  tabBench,
  embeddedBench,
];

export interface BenchRun {
  readonly id: string;
  readonly title: string;
  readonly seconds: number;
  readonly result?: BenchResult;
  readonly error?: string;
}

export interface Report {
  readonly startedAt: string;
  readonly machine: Machine;
  readonly database: string;
  readonly runs: BenchRun[];
  /** The whole run, and whether it ran every bench (the 10-minute budget is for that). */
  readonly totalSeconds?: number;
  readonly complete?: boolean;
}

/** `npm run bench` with every bench should finish within this (the 10 minutes). */
export const BUDGET_S = 600;

export function selectBenches(ids: readonly string[]): Bench[] {
  const unknown = ids.filter((id) => !benches.some((b) => b.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.id).join(', ')}`
    );
  }
  return ids.length === 0 ? [...benches] : benches.filter((b) => ids.includes(b.id));
}

export async function runBenches(
  selected: readonly Bench[],
  options: BenchOptions
): Promise<Report> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const runs: BenchRun[] = [];
  for (const bench of selected) {
    const t0 = performance.now();
    try {
      const result = await bench.run(options);
      runs.push({
        id: bench.id,
        title: bench.title,
        seconds: (performance.now() - t0) / 1000,
        result,
      });
    } catch (err) {
      runs.push({
        id: bench.id,
        title: bench.title,
        seconds: (performance.now() - t0) / 1000,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
  }
  return {
    startedAt,
    machine: machine(),
    database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded',
    runs,
    totalSeconds: (performance.now() - started) / 1000,
    complete: benches.every((b) => selected.includes(b)),
  };
}

const fmt = (n: number) => (Number.isFinite(n) ? String(n) : 'n/a');

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const lines = [
    '# Partner Connect benchmark report',
    '',
    `Run ${report.startedAt} on ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.platform}, ` +
      `${m.memoryGb} GB, load ${m.loadavg.join(' ')}; database: ${report.database}` +
      (report.totalSeconds !== undefined
        ? `; ${report.complete ? 'every bench' : report.runs.map((r) => r.id).join(', ')} in ${report.totalSeconds.toFixed(0)} s.`
        : '.'),
    'Regenerate with `npm run bench` (one: `npm run bench -- <id>`). The machine is shared and noisy:',
    'compare the ratios to the baseline measured in the same run, not absolute times.',
    '',
    '## Targets',
    '',
    '| Result | Figure | Measured | Target |',
    '| --- | --- | --- | --- |',
  ];
  if (report.complete && report.totalSeconds !== undefined) {
    const met = report.totalSeconds < BUDGET_S;
    lines.push(
      `| ${met ? 'met' : '**not met**'} | the whole \`npm run bench\` | ${report.totalSeconds.toFixed(0)} s | < ${BUDGET_S} s |`
    );
  }
  for (const run of report.runs) {
    for (const f of run.result?.figures ?? []) {
      if (f.target === undefined) continue;
      lines.push(
        `| ${f.met ? 'met' : '**not met**'} | ${run.id}: ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.target} |`
      );
    }
    if (run.error) lines.push(`| **failed to run** | ${run.id} | | |`);
  }
  for (const run of report.runs) {
    lines.push('', `## \`${run.id}\`: ${run.title}`, '', `(${run.seconds.toFixed(1)} s)`, '');
    if (run.error) {
      lines.push('Failed to run:', '', '```', run.error.split('\n').slice(0, 6).join('\n'), '```');
      continue;
    }
    const r = run.result!;
    lines.push(
      '| Figure | Value | Baseline | Target | Result |',
      '| --- | --- | --- | --- | --- |'
    );
    for (const f of r.figures) {
      const base = f.baseline
        ? `${f.baseline.name}: ${fmt(f.baseline.value)} ${f.baseline.unit}`
        : '';
      const result = f.target === undefined ? '' : f.met ? 'met' : '**not met**';
      lines.push(
        `| ${f.name} | ${fmt(f.value)} ${f.unit} | ${base} | ${f.target ?? ''} | ${result} |`
      );
    }
    for (const note of r.notes) lines.push('', note);
  }
  return lines.join('\n') + '\n';
}

/** Writes report.md and report.json into `dir`. */
export function writeReport(report: Report, dir: string): { md: string; json: string } {
  fs.mkdirSync(dir, { recursive: true });
  const md = path.join(dir, 'report.md');
  const json = path.join(dir, 'report.json');
  fs.writeFileSync(md, renderMarkdown(report));
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  return { md, json };
}
