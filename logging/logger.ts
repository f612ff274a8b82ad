import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one logger. Redacts anything that could carry a secret, token, verification code or
 * whole email address, so a careless `log.info({ activity })` cannot leak them.
 */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { app: 'partner-connect' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'code',
        '*.code',
        'email',
        '*.email',
        'MicrosoftAppPassword',
        'smtpUrl',
        '*.smtpUrl',
      ],
      censor: '[redacted]',
    },
  });
}

/** A logger for tests: silent unless TEST_LOG_LEVEL is set. */
export function testLogger(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}
