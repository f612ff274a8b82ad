import fs from 'node:fs';
import path from 'node:path';
/**
 * Mocha's root-hook plugin (loaded by `.mocharc.json`'s `require`). A helper that keeps a
 * resource for the whole file set (one embedded server for many suites) registers its clean-up
 * here instead of calling `after()` at module level: in `--parallel` mode a worker process runs
 * many files with one module cache, so a module-level hook would belong to the first file only
 * and the next file would find the resource stopped. Root hooks run after every file in parallel
 * mode and once at the end of a serial run.
 */
type CleanUp = () => Promise<void> | void;

// One list per process even if the plugin and a helper reach this module by different loaders.
const KEY = Symbol.for('partner-connect.test.root-hooks.cleanups');
const holder = globalThis as unknown as Record<symbol, Set<CleanUp> | undefined>;
const cleanups: Set<CleanUp> = (holder[KEY] ??= new Set());

/** Runs `fn` once the current test file (parallel mode) or the whole run (serial) is done. */
export function afterThisFile(fn: CleanUp): void {
  cleanups.add(fn);
}

let fileStarted = 0;

/**
 * With TEST_TIMINGS=<file>, each test file's wall time (hooks included) is appended to it as a
 * JSON line: what `scripts/test.ts`'s FIRST list is ordered by.
 */
function recordTiming(root: Mocha.Suite | undefined): void {
  const out = process.env.TEST_TIMINGS;
  const file = root?.suites[0]?.file;
  if (!out || !file) return;
  const line = JSON.stringify({ file: path.relative('.', file), ms: Date.now() - fileStarted });
  fs.appendFileSync(out, line + '\n');
}

export const mochaHooks = {
  beforeAll(): void {
    fileStarted = Date.now();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    recordTiming(this.test?.parent);
    const errors: unknown[] = [];
    for (const fn of [...cleanups]) {
      cleanups.delete(fn);
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  },
};
