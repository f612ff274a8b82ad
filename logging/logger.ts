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

/**
 * `logger.child({ module })` that nests (`db/embedded-mongo/data-store` on one key): the embedded
 * database names its modules under the bot's this way, so the bot uses the same helper.
 */
export { moduleLogger } from '@partner-connect/embedded-mongo';

/** A logger for tests: silent unless TEST_LOG_LEVEL is set. */
export function testLogger(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}
