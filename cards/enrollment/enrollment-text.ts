import { countryName } from '../../domain/partners/countries.js';
import {
  formatPhone,
  type FieldError,
  type FieldId,
} from '../../domain/partners/partner-profile.js';
import { formatDate, t, type Language } from '../../i18n/i18n.js';
import { userText } from '../shared/user-text.js';

/** The localized message of a broken form rule (country codes become names). */
export function fieldErrorText(language: Language, err: FieldError): string {
  const values: Record<string, unknown> = { ...err.values };
  for (const k of ['tenantCountry', 'locationCountry', 'country']) {
    if (typeof values[k] === 'string')
      values[`${k}Name`] = countryName(values[k] as string, language);
  }
  return t(language, err.key, values);
}

const PHONE_FIELDS = new Set<FieldId>(['companyPhone', 'contactPhone', 'supportPhone']);

/** An answer as people read it: names for codes and types, spaced phones, a dash for nothing. */
export function answerText(language: Language, field: FieldId, value: unknown): string {
  if (value === undefined || value === null || value === '')
    return t(language, 'enrollment:summary.empty');
  if (field === 'partnerType') return t(language, `enrollment:partnerTypes.${String(value)}`);
  if (field === 'tenantCountry' || field === 'locationCountry')
    return countryName(String(value), language);
  if (PHONE_FIELDS.has(field)) return formatPhone(String(value));
  if (field === 'acceptTerms') {
    return t(
      language,
      value === true || value === 'true'
        ? 'enrollment:summary.accepted'
        : 'enrollment:summary.notAccepted'
    );
  }
  return userText(value);
}

/** A date as the card shows it (UTC, localized). */
export function dateText(language: Language, date: Date | string | undefined): string {
  return date ? formatDate(language, new Date(date)) : t(language, 'enrollment:summary.empty');
}
