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

export const mochaHooks = {
  async afterAll(): Promise<void> {
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
