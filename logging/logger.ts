import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Fields that can carry a secret, redacted at the top level and one level down. Verification
 * codes reach objects as typed text (`verify 123456` in `activity.text`), as card values (`code`
 * in an Action.Submit `value`, an Action.Execute `value.action.data`, a handler's `data`) and as
 * mail template values and bodies. Other `code` fields stay visible: DomainError codes and errno
 * codes (ECONNREFUSED) are what an operator needs.
 */
const SECRET_FIELDS = [
  'password',
  'token',
  'authorization',
  'MicrosoftAppPassword',
  'smtpUrl',
  'email',
  'text',
  'html',
  'value.code',
  'value.action.data.code',
  'data.code',
  'values.code',
];

/**
 * The one logger. Redacts anything that could carry a secret, token, verification code or
 * whole email address, so a careless `log.info({ activity })` cannot leak them.
 * `destination` (default stdout) lets tests read exactly what production writes.
 */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'partner-connect' },
      redact: {
        paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
        censor: '[redacted]',
      },
    },
    destination
  );
}

const MODULE_PARENT = Symbol('partnerConnect.moduleParent');
type ModuleLogger = Logger & { [MODULE_PARENT]?: Logger };

/**
 * `logger.child({ module })` that nests: under another module's logger the module becomes the
 * path `db/embedded-mongo/data-store`, on one key. pino appends child bindings, so a nested
 * `child({ module })` would write `module` twice (its documented duplicate-keys trade-off).
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
