/**
 * Typed domain errors. They carry an i18n key (and its values) but no HTTP or SDK types:
 * `bot/` turns them into a localized reply or an invoke error response in one place.
 */
export type DomainErrorCode = 'NotFound' | 'NotAllowed' | 'Conflict' | 'Expired' | 'Invalid';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** i18n key, e.g. `errors:notAllowed` or `enrollment:partnerIdTaken`. */
    readonly messageKey: string,
    readonly values: Record<string, unknown> = {}
  ) {
    super(`${code}: ${messageKey}`);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(messageKey = 'errors:notFound', values: Record<string, unknown> = {}) {
    super('NotFound', messageKey, values);
  }
}

export class NotAllowedError extends DomainError {
  constructor(messageKey = 'errors:notAllowed', values: Record<string, unknown> = {}) {
    super('NotAllowed', messageKey, values);
  }
}

export class ConflictError extends DomainError {
  constructor(messageKey = 'errors:conflict', values: Record<string, unknown> = {}) {
    super('Conflict', messageKey, values);
  }
}

export class ExpiredError extends DomainError {
  constructor(messageKey = 'errors:expired', values: Record<string, unknown> = {}) {
    super('Expired', messageKey, values);
  }
}

export class InvalidError extends DomainError {
  constructor(messageKey = 'errors:invalid', values: Record<string, unknown> = {}) {
    super('Invalid', messageKey, values);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
