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

/** A rule one field of a form breaks: `key` is its i18n key, `values` the key's placeholders. */
export interface FieldProblem {
  readonly field: string;
  readonly key: string;
  readonly values?: Record<string, unknown>;
}

/**
 * A form refused as a whole: every field's problem at once, so the card can show each next to
 * its field with the typed values kept. Its own message is the first problem's, for surfaces
 * without a form (a text reply, an HTTP problem).
 */
export class InvalidFieldsError extends InvalidError {
  constructor(readonly fields: readonly FieldProblem[]) {
    super(fields[0]?.key ?? 'errors:invalid', fields[0]?.values ?? {});
  }
}

/** Throws the problems as one InvalidFieldsError, when there are any (one per field: the first). */
export function refuseFields(problems: readonly FieldProblem[]): void {
  const seen = new Set<string>();
  const fields = problems.filter((p) => !seen.has(p.field) && !!seen.add(p.field));
  if (fields.length) throw new InvalidFieldsError(fields);
}
