import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// `npm test`'s mocha part (README "Two commands"): every `*.test.ts` under test/ and
// packages/*/test/, the slowest files first, in `--parallel` worker processes (each suite starts
// its own embedded database and server on port 0, so files do not share state), then the few
// files in SERIAL alone. Leading arguments that name folders or files keep the files under them
// (`npm run test:quick`); the rest go to both mocha runs (`npm test -- --grep outbox`).
// TEST_JOBS sets the number of workers.

/** Started first, so that no long file is left running alone at the end (the longest known). */
const FIRST = [
  'test/e2e/security/authorization-matrix.security.test.ts',
  'test/e2e/security/authorization-matrix-outsiders.security.test.ts',
  'test/security/a-crashed-submit-never-leaves-an-organization-without-global-admin.security.test.ts',
  'test/e2e/reliability/decision-cut.test.ts',
  'test/e2e/playground/tour.playground.test.ts',
  'test/security/invalid-card-data-changes-nothing.security.test.ts',
  'test/e2e/invitations/invitations.browser.test.ts',
  'test/reliability/soak.reliability.test.ts',
  'test/e2e/enrollment/enrollment.playground.test.ts',
  'test/bench/bench.test.ts',
  'test/e2e/relationships/relationships.playground.test.ts',
  'test/e2e/reliability/database-cut.test.ts',
  'test/e2e/security/replays-and-forged-references.security.test.ts',
];

/** Run after the parallel part, one at a time, each with the reason it cannot share the machine. */
const SERIAL: Readonly<Record<string, string>> = {
  'packages/embedded-mongo/test/server/commit-delay.test.ts':
    'group commit only delays a frame while other writers are still arriving: with other ' +
    'workers on the same cores every writer is already queued when a frame starts',
  'test/notifications/delivery.resilience.test.ts':
    "Teams' pacing on the real clock (sends per conversation per second, a hand-over's timing): " +
    'with other workers on the same cores a late timer reads as a pacing fault',
};

/**
 * Workers: one per core, and one more, since most files spend part of their time waiting on
 * their own server, database or browser rather than computing.
 */
const JOBS = Number(process.env.TEST_JOBS) || os.availableParallelism() + 1;

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.relative('.', path.join(e.parentPath, e.name)))
    .sort();
}

const all = [
  ...testFiles('test'),
  ...fs
    .readdirSync('packages')
    .sort()
    .flatMap((p) => testFiles(path.join('packages', p, 'test'))),
];
const missing = [...FIRST, ...Object.keys(SERIAL)].filter((f) => !all.includes(f));
if (missing.length) {
  console.error(`scripts/test.ts names test files that do not exist: ${missing.join(', ')}`);
  process.exit(1);
}
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const under = (firstOption < 0 ? args : args.slice(0, firstOption)).map((a) =>
  path.normalize(a).replace(/[\\/]+$/, '')
);
const extra = firstOption < 0 ? [] : args.slice(firstOption);
const chosen = all.filter(
  (f) => !under.length || under.some((u) => f === u || f.startsWith(u + path.sep))
);
if (!chosen.length) {
  console.error(`no test files under ${under.join(', ')}`);
  process.exit(1);
}
const parallel = [
  ...FIRST.filter((f) => chosen.includes(f)),
  ...chosen.filter((f) => !FIRST.includes(f)),
].filter((f) => !(f in SERIAL));
const serial = chosen.filter((f) => f in SERIAL);
const mocha = path.resolve('node_modules/mocha/bin/mocha.js');

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mocha, ...args, ...extra], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const codes: number[] = [];
// One job is no parallel mode for mocha (and `--parallel --jobs 1` loads the files the wrong way).
if (parallel.length)
  codes.push(await run([...(JOBS > 1 ? ['--parallel', '--jobs', String(JOBS)] : []), ...parallel]));
// Run even when the parallel part failed: every failure is reported in one go.
if (serial.length) codes.push(await run(serial));
process.exit(codes.find((c) => c !== 0) ?? 0);
