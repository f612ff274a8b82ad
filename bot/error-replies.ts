import { DialogContextError } from 'botbuilder-dialogs';
import { isDomainError, type DomainError } from '../domain/errors.js';
import { t, type Language } from '../i18n/i18n.js';

/**
 * The DomainError behind `err`, if any: botbuilder-dialogs wraps whatever a dialog step throws
 * in a DialogContextError, which must not turn a domain refusal into a generic apology.
 */
export function domainErrorOf(err: unknown): DomainError | undefined {
  if (isDomainError(err)) return err;
  if (err instanceof DialogContextError && isDomainError(err.error)) return err.error;
  return undefined;
}

/**
 * The one place DomainErrors become something a user reads. Anything that is not a
 * DomainError is left to the adapter's onTurnError (logged once, generic apology).
 */
export function domainErrorText(err: DomainError, language: Language): string {
  return t(language, err.messageKey, err.values);
}
