import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/** How the logger writes. */
export interface LogOutput {
  /** Where lines go (default stdout); tests pass a stream to read exactly what is written. */
  readonly destination?: DestinationStream;
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Default: when writing to stdout and
   * stdout is a terminal, i.e. a person runs `npm start`; pipes, CI, containers and log
   * collectors get JSON.
   */
  readonly pretty?: boolean;
  /**
   * Which of `npm start`'s processes writes (`primary`, `db`, `worker-1`...; server/), a field
   * of every line with the process id; unset in a single process (tests).
   */
  readonly proc?: string;
}

/**
 * The one logger. Redacts anything that could carry a secret, token, verification code or
 * whole email address, so a careless `log.info({ activity })` cannot leak them; redaction
 * happens before formatting, so pretty lines are redacted as JSON ones are.
 */
export function createLogger(level = 'info', output: LogOutput | DestinationStream = {}): Logger {
  const {
    destination,
    pretty: wantPretty,
    proc,
  } = isStream(output) ? { destination: output } : output;
  const readable = wantPretty ?? (destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      level,
      base: { app: 'partner-connect', ...(proc ? { proc, pid: process.pid } : {}) },
      mixin: traceFields,
      redact: {
        paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
        censor: '[redacted]',
      },
    },
    readable ? prettyStream(destination) : destination
  );
}

/**
 * `trace_id` and `span_id` of the active span (OpenTelemetry's log correlation field names),
 * so that a log line leads to its trace; nothing when no span is active or tracing is off
 * (the API's no-op then answers at once).
 */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

/** pino-pretty in-process and synchronous: no worker thread, nothing lost at exit. */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pretty({
    destination: destination ?? 1,
    sync: true,
    colorize: destination === undefined ? undefined : false,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app,proc',
    // The process in front of the message, as `npm start` interleaves several processes' lines.
    messageFormat: (log, messageKey) =>
      `${typeof log.proc === 'string' ? `[${log.proc}] ` : ''}${String(log[messageKey] ?? '')}`,
  });
}

function isStream(value: LogOutput | DestinationStream): value is DestinationStream {
  return typeof (value as DestinationStream).write === 'function';
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
