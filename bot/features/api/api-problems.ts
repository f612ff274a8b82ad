import { InvalidFieldsError, isDomainError, type DomainErrorCode } from '../../../domain/errors.js';
import { t, type Language } from '../../../i18n/i18n.js';
import type { Logger } from '../../../logging/logger.js';
import { ApiError, type KnownProblem } from '../../../web/api/api-route.js';

/** Each kind of domain refusal as HTTP says it; the bot says the same with a card or a reply. */
const STATUS: Record<DomainErrorCode, number> = {
  NotFound: 404,
  NotAllowed: 403,
  Conflict: 409,
  Expired: 410,
  Invalid: 400,
};

/**
 * The problem a domain refusal stands for (status, stable code, the i18n key the bot would
 * reply with); undefined for anything else, which the router answers as a logged 500.
 */
export function problemOf(err: unknown): KnownProblem | undefined {
  if (!isDomainError(err)) return undefined;
  const code = err.code.charAt(0).toLowerCase() + err.code.slice(1);
  return {
    status: STATUS[err.code],
    code,
    key: err.messageKey,
    values: err.values,
    ...(err instanceof InvalidFieldsError
      ? { fields: err.fields.map((f) => ({ field: f.field, key: f.key, values: f.values ?? {} })) }
      : {}),
  };
}

/**
 * One row's outcome when it failed, in a bulk answer: a refusal has the same code and localized
 * message as a single call; a fault (the database gone, a bug) is logged and said as the bot says
 * it, so the rows already done are still reported rather than lost in a 500.
 */
export function rowError(
  err: unknown,
  language: Language,
  log: Logger
): { code: string; message: string } {
  const problem = err instanceof ApiError ? err : problemOf(err);
  if (problem) {
    return { code: problem.code, message: t(language, problem.key, problem.values ?? {}) };
  }
  log.error({ err }, 'a row of a bulk call failed');
  return { code: 'internal', message: t(language, 'errors:generic') };
}
