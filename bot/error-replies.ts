import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { DialogContextError } from 'botbuilder-dialogs';
import { render as renderErrorCard } from '../cards/shared/error.card.js';
import { ADAPTIVE_CARD_CONTENT_TYPE } from '../cards/shared/render-card.js';
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

/**
 * For an Action.Execute invoke: the clicked card is replaced by a short error card, so the
 * person sees why nothing happened right where they clicked (status 200: Teams shows
 * invoke error responses only as a generic failure).
 */
export function domainErrorInvokeResponse(
  err: DomainError,
  language: Language
): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: ADAPTIVE_CARD_CONTENT_TYPE,
    value: renderErrorCard({ messageKey: err.messageKey, values: err.values }, language),
  };
}
