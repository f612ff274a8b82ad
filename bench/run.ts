/**
 * `npm run bench [-- <id> ...] [--users N] [--full]`: runs the product benches (all, or the ids
 * given) and writes bench/report.md and bench/report.json. `--full` (or BENCH_FULL=1) seeds
 * `scale` at the full size, past the 10-minute budget. Exit code 0 unless a bench failed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenches, selectBenches, writeReport } from './runner.js';
import { FULL_PARTNERS } from './scale.js';

const args = process.argv.slice(2);
const ids: string[] = [];
let users: number | undefined;
let full = process.env.BENCH_FULL === '1';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--users') users = Number(args[++i]);
  else if (args[i] === '--full') full = true;
  else ids.push(args[i]);
}
const selected = selectBenches(ids);
const report = await runBenches(selected, {
  users,
  ...(full ? { scalePartners: FULL_PARTNERS } : {}),
  log: (line) =>
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`),
});
const { md, json } = writeReport(report, path.dirname(fileURLToPath(import.meta.url)));
process.stdout.write(`wrote ${md} and ${json}\n`);
const failed = report.runs.filter((r) => r.error);
for (const r of failed) process.stderr.write(`${r.id} failed:\n${r.error}\n`);
process.exit(failed.length > 0 ? 1 : 0);
