import { pino, type Logger } from 'pino';

export type { Logger };

/** The server's own logger when its host passes none (JSON on stdout, like mongod's log). */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { app: 'embedded-mongo' } });
}

const MODULE_PARENT = Symbol('embeddedMongo.moduleParent');
type ModuleLogger = Logger & { [MODULE_PARENT]?: Logger };

/**
 * `logger.child({ module })` that nests: under another module's logger the module becomes the
 * path `db/embedded-mongo/data-store`, on one key. pino appends child bindings, so a nested
 * `child({ module })` would write `module` twice (its documented duplicate-keys trade-off).
 * Exported because a host nests its own modules the same way around this server's.
 */
export function moduleLogger(logger: Logger, module: string): Logger {
  const { module: outer, ...bindings } = logger.bindings();
  const path = typeof outer === 'string' ? `${outer}/${module}` : module;
  const parent = (logger as ModuleLogger)[MODULE_PARENT];
  if (typeof outer !== 'string' || !parent) {
    // No module yet, or one set by a plain child() (then the last `module` is the full path).
    const child: ModuleLogger = logger.child({ module: path });
    child[MODULE_PARENT] = logger;
    return child;
  }
  // Rebuilt on the logger the outer module was added to, keeping what was bound since.
  const inherited = parent.bindings();
  const added = Object.fromEntries(Object.entries(bindings).filter(([k, v]) => inherited[k] !== v));
  const child: ModuleLogger = parent.child({ module: path, ...added }, { level: logger.level });
  child[MODULE_PARENT] = parent;
  return child;
}

/** A logger for tests: silent unless TEST_LOG_LEVEL is set. */
export function testLogger(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}
