import {
  getExampleNumber,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode as PhoneCountry,
} from 'libphonenumber-js/max';
import phoneExamples from 'libphonenumber-js/mobile/examples';
import { z } from 'zod';
import { isCountryCode, resolveCountry } from './countries.js';
import { isPostalCode, normalizePostalCode, postalCodeFormat } from './postal-codes.js';
import { isPartnerId, PARTNER_ID_MESSAGE } from './partner.js';

/** The two kinds of partner that enroll the same way (DOMAIN.md section 1). */
export const PARTNER_TYPES = ['reseller', 'provider'] as const;
export type PartnerType = (typeof PARTNER_TYPES)[number];

/** The form's sections, in the order the dialog asks them. */
export const SECTION_IDS = [
  'partnerType',
  'tenant',
  'company',
  'contact',
  'support',
  'terms',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** Field ids: used as card input ids and as the stored model's field names. */
export const SECTION_FIELDS = {
  partnerType: ['partnerType'],
  tenant: ['tenantCountry', 'partnerId', 'locationCountry'],
  company: [
    'legalName',
    'addressLine1',
    'addressLine2',
    'city',
    'region',
    'postalCode',
    'companyPhone',
  ],
  contact: ['contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone'],
  support: ['supportEmail', 'supportPhone', 'supportWebsite'],
  terms: ['acceptTerms'],
} as const satisfies Record<SectionId, readonly string[]>;

export type FieldId = (typeof SECTION_FIELDS)[SectionId][number];
export const FIELD_IDS: readonly FieldId[] = SECTION_IDS.flatMap((s) => SECTION_FIELDS[s]);
export const OPTIONAL_FIELDS: readonly FieldId[] = ['addressLine2', 'region'];

/** A rule broken by one answer: `key` is an i18n key (`enrollment:validation.*`). */
export interface FieldError {
  readonly field: FieldId;
  readonly key: string;
  readonly values: Record<string, unknown>;
}

const V = 'enrollment:validation.';

const blankToEmpty = (v: unknown) => (v === undefined || v === null ? '' : v);
const text = (max: number) =>
  z.preprocess(
    blankToEmpty,
    z
      .string({ error: `${V}required` })
      .trim()
      .min(1, { error: `${V}required` })
      .max(max, { error: `${V}tooLong` })
  );
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .max(max, { error: `${V}tooLong` })
      .optional()
  );

/**
 * A phone number as E.164 (`+49301234567`), or undefined when it is not a valid number.
 * A national number (`030 1234567`) is read as one of `country`; a number with its country code
 * (`+1 212 555 0100`, `0049 30 ...`) is checked against the rules of the country it names, so a
 * support line abroad is accepted. Validation is libphonenumber's (number plan, not just length).
 */
export function normalizePhone(input: string, country?: string): string | undefined {
  const trimmed = input.trim();
  // Without a country, "0049 ..." cannot be read as an international prefix by the library.
  const text = country ? trimmed : trimmed.replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(text, asPhoneCountry(country));
  return parsed?.isValid() ? parsed.number : undefined;
}

/** A stored E.164 number as people read it: international format (`+49 30 1234567`). */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatInternational() : e164;
}

/** A number of the country as people write it (`+7 771 000 9998` for KZ), for hints. */
export function phoneExample(country: string | undefined): string | undefined {
  const phoneCountry = asPhoneCountry(country);
  return phoneCountry
    ? getExampleNumber(phoneCountry, phoneExamples)?.formatInternational()
    : undefined;
}

function asPhoneCountry(country: string | undefined): PhoneCountry | undefined {
  return country && isSupportedCountry(country) ? (country as PhoneCountry) : undefined;
}

/** A phone field; `country` is the partner's country/region, when already answered. */
const phone = (country?: string) =>
  text(40).transform((v, ctx) => {
    const normalized = normalizePhone(v, country);
    if (!normalized) {
      const example = phoneExample(country);
      ctx.addIssue(
        example
          ? { code: 'custom', message: `${V}phoneInvalidFor`, params: { country, example } }
          : { code: 'custom', message: `${V}phoneInvalid` }
      );
      return z.NEVER;
    }
    return normalized;
  });

/** A postal code checked against the partner's country/region pattern, with its format as hint. */
const postalCode = (country?: string) =>
  text(20).transform((v, ctx) => {
    const code = normalizePostalCode(v);
    if (isPostalCode(code, country)) return code;
    const format = country ? postalCodeFormat(country) : undefined;
    if (!format) {
      ctx.addIssue({ code: 'custom', message: `${V}postalCodeInvalid` });
    } else {
      ctx.addIssue({
        code: 'custom',
        message: format.digits ? `${V}postalCodeDigits` : `${V}postalCodeFormat`,
        params: { country, ...format },
      });
    }
    return z.NEVER;
  });

const email = text(254)
  .pipe(z.email({ error: `${V}emailInvalid` }))
  .transform((v) => v.toLowerCase());

const countryField = text(80).transform((v, ctx) => {
  const code = resolveCountry(v);
  if (!code) {
    ctx.addIssue({ code: 'custom', message: `${V}countryUnknown`, params: { value: v } });
    return z.NEVER;
  }
  return code;
});

const website = text(2000).transform((v, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    url = undefined;
  }
  // A bare host ("contoso.com") is a common answer: say https is what's missing.
  if (!url && /^[\w-]+(\.[\w-]+)+(\/.*)?$/.test(v)) {
    ctx.addIssue({ code: 'custom', message: `${V}websiteNotHttps` });
    return z.NEVER;
  }
  if (!url || !url.hostname.includes('.')) {
    ctx.addIssue({ code: 'custom', message: `${V}websiteInvalid` });
    return z.NEVER;
  }
  if (url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `${V}websiteNotHttps` });
    return z.NEVER;
  }
  return url.toString();
});

const truthy = new Set([true, 'true', 'on', 'yes', '1']);

/**
 * One zod schema per field, each failing with a specific i18n key. Phones and the postal code
 * follow the rules of `country`, the partner's country/region (see `partnerCountry`).
 */
export function fieldSchemas(country?: string) {
  return {
    partnerType: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
      z.enum(PARTNER_TYPES, { error: `${V}partnerTypeInvalid` })
    ),
    tenantCountry: countryField,
    partnerId: text(20).pipe(z.string().refine(isPartnerId, { error: PARTNER_ID_MESSAGE })),
    locationCountry: countryField,
    legalName: text(200),
    addressLine1: text(200),
    addressLine2: optionalText(200),
    city: text(100),
    region: optionalText(100),
    postalCode: postalCode(country),
    companyPhone: phone(country),
    contactFirstName: text(100),
    contactLastName: text(100),
    contactEmail: email,
    contactPhone: phone(country),
    supportEmail: email,
    supportPhone: phone(country),
    supportWebsite: website,
    acceptTerms: z
      .unknown()
      .transform((v) => truthy.has(typeof v === 'string' ? v.trim().toLowerCase() : (v as boolean)))
      .pipe(z.literal(true, { error: `${V}termsRequired` })),
  } satisfies Record<FieldId, z.ZodType>;
}

/** The field schemas before the country is known (phones then need their country code). */
export const FIELD_SCHEMAS = fieldSchemas();

/**
 * The country/region whose rules the phones and postal code follow: the PartnerID location's
 * (the legal business profile's), else the tenant's. Undefined until one is answered.
 */
export function partnerCountry(answers: Record<string, unknown>): string | undefined {
  for (const field of ['locationCountry', 'tenantCountry'] as const) {
    const parsed = countryField.safeParse(answers[field]);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

const tenantSection = z
  .object({
    tenantCountry: FIELD_SCHEMAS.tenantCountry,
    partnerId: FIELD_SCHEMAS.partnerId,
    locationCountry: FIELD_SCHEMAS.locationCountry,
  })
  .superRefine((v, ctx) => {
    // The article: the MPN ID's organization profile must be in the tenant's country/region.
    if (
      isCountryCode(v.tenantCountry) &&
      isCountryCode(v.locationCountry) &&
      v.tenantCountry !== v.locationCountry
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['locationCountry'],
        message: `${V}locationCountryMismatch`,
        params: { tenantCountry: v.tenantCountry, locationCountry: v.locationCountry },
      });
    }
  });

/** One zod schema per section; the tenant section also checks location against tenant country. */
export function sectionSchemas(country?: string) {
  const f = fieldSchemas(country);
  return {
    partnerType: z.object({ partnerType: f.partnerType }),
    tenant: tenantSection,
    company: z.object({
      legalName: f.legalName,
      addressLine1: f.addressLine1,
      addressLine2: f.addressLine2,
      city: f.city,
      region: f.region,
      postalCode: f.postalCode,
      companyPhone: f.companyPhone,
    }),
    contact: z.object({
      contactFirstName: f.contactFirstName,
      contactLastName: f.contactLastName,
      contactEmail: f.contactEmail,
      contactPhone: f.contactPhone,
    }),
    support: z.object({
      supportEmail: f.supportEmail,
      supportPhone: f.supportPhone,
      supportWebsite: f.supportWebsite,
    }),
    terms: z.object({ acceptTerms: f.acceptTerms }),
  };
}

/** The section schemas before the country is known. */
export const SECTION_SCHEMAS = sectionSchemas();

function answersSchema(country?: string) {
  const s = sectionSchemas(country);
  return z.object({
    ...s.partnerType.shape,
    ...tenantSection.shape,
    ...s.company.shape,
    ...s.contact.shape,
    ...s.support.shape,
    ...s.terms.shape,
  });
}

/** The complete, validated application (what a partner record stores). */
export const enrollmentAnswersSchema = answersSchema();
export type EnrollmentAnswers = z.output<typeof enrollmentAnswersSchema>;

/** What a draft holds: any subset of answers, as last validated. */
export type DraftAnswers = Partial<EnrollmentAnswers>;

export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

function toResult<T>(parsed: z.ZodSafeParseResult<T>): ValidationResult<T> {
  if (parsed.success) return { ok: true, value: parsed.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]) as FieldId;
    // One message per field: the first rule it broke.
    if (seen.has(field)) continue;
    seen.add(field);
    const values: Record<string, unknown> = { ...((issue as { params?: object }).params ?? {}) };
    if (issue.code === 'too_big') values.max = Number(issue.maximum);
    errors.push({ field, key: issue.message, values });
  }
  return { ok: false, errors };
}

/** What a section's rules depend on beyond its own answers. */
export interface SectionContext {
  /** The partner's country/region (ISO code), for phones and the postal code. */
  readonly country?: string;
}

/** Validates one section's answers (raw card or typed values); returns normalized values or errors. */
export function validateSection<S extends SectionId>(
  section: S,
  input: Record<string, unknown>,
  context: SectionContext = {}
): ValidationResult<z.output<(typeof SECTION_SCHEMAS)[S]>> {
  const schema = sectionSchemas(context.country)[section] as unknown as z.ZodType<
    z.output<(typeof SECTION_SCHEMAS)[S]>
  >;
  return toResult(schema.safeParse(input));
}

/** Validates a single typed answer (prompt-style input). */
export function validateField(
  field: FieldId,
  input: unknown,
  context: SectionContext = {}
): ValidationResult<unknown> {
  const schema = fieldSchemas(context.country)[field];
  const parsed = z.object({ [field]: schema }).safeParse({ [field]: input });
  const result = toResult(parsed);
  return result.ok ? { ok: true, value: (result.value as Record<string, unknown>)[field] } : result;
}

/** Validates a whole application, e.g. a draft being submitted, by its own country's rules. */
export function validateAnswers(
  input: Record<string, unknown>
): ValidationResult<EnrollmentAnswers> {
  const result = toResult(answersSchema(partnerCountry(input)).safeParse(input));
  if (!result.ok) return result;
  const tenant = validateSection('tenant', input);
  return tenant.ok ? result : tenant;
}

/** The first section with a missing or invalid answer, or undefined when the draft is complete. */
export function firstIncompleteSection(answers: Record<string, unknown>): SectionId | undefined {
  const country = partnerCountry(answers);
  return SECTION_IDS.find((s) => !validateSection(s, answers, { country }).ok);
}

/**
 * The article: the primary contact's email "should belong to your organization". Teams tells us
 * the enrolling user's address; a contact on another domain is worth a second look (not refused:
 * organizations often have several domains). Returns both domains when they differ.
 */
export function contactDomainMismatch(
  userEmail: string | undefined,
  contactEmail: string | undefined
): { contactDomain: string; yourDomain: string } | undefined {
  const domain = (email?: string) => email?.split('@')[1]?.trim().toLowerCase();
  const yourDomain = domain(userEmail);
  const contactDomain = domain(contactEmail);
  if (!yourDomain || !contactDomain || yourDomain === contactDomain) return undefined;
  return { contactDomain, yourDomain };
}

/** The section a field belongs to. */
export function sectionOf(field: FieldId): SectionId {
  return SECTION_IDS.find((s) => (SECTION_FIELDS[s] as readonly string[]).includes(field))!;
}
