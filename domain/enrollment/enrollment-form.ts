import { z } from 'zod';
import { isCountryCode, resolveCountry } from './enrollment-countries.js';

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

/** Lenient E.164: separators are dropped, `00` becomes `+`, then 7 to 15 digits. */
export function normalizePhone(input: string): string | undefined {
  const compact = input
    .trim()
    .replace(/[\s\-().]/g, '')
    .replace(/^00/, '+');
  return /^\+?[1-9]\d{6,14}$/.test(compact) ? compact : undefined;
}

const phone = text(40).transform((v, ctx) => {
  const normalized = normalizePhone(v);
  if (!normalized) {
    ctx.addIssue({ code: 'custom', message: `${V}phoneInvalid` });
    return z.NEVER;
  }
  return normalized;
});

const email = text(254)
  .pipe(z.email({ error: `${V}emailInvalid` }))
  .transform((v) => v.toLowerCase());

const country = text(80).transform((v, ctx) => {
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

/** One zod schema per field, each failing with a specific i18n key. */
export const FIELD_SCHEMAS = {
  partnerType: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(PARTNER_TYPES, { error: `${V}partnerTypeInvalid` })
  ),
  tenantCountry: country,
  partnerId: text(20).pipe(z.string().regex(/^\d{6,7}$/, { error: `${V}partnerIdFormat` })),
  locationCountry: country,
  legalName: text(200),
  addressLine1: text(200),
  addressLine2: optionalText(200),
  city: text(100),
  region: optionalText(100),
  postalCode: text(20).pipe(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/, { error: `${V}postalCodeInvalid` })
  ),
  companyPhone: phone,
  contactFirstName: text(100),
  contactLastName: text(100),
  contactEmail: email,
  contactPhone: phone,
  supportEmail: email,
  supportPhone: phone,
  supportWebsite: website,
  acceptTerms: z
    .unknown()
    .transform((v) => truthy.has(typeof v === 'string' ? v.trim().toLowerCase() : (v as boolean)))
    .pipe(z.literal(true, { error: `${V}termsRequired` })),
} satisfies Record<FieldId, z.ZodType>;

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
export const SECTION_SCHEMAS = {
  partnerType: z.object({ partnerType: FIELD_SCHEMAS.partnerType }),
  tenant: tenantSection,
  company: z.object({
    legalName: FIELD_SCHEMAS.legalName,
    addressLine1: FIELD_SCHEMAS.addressLine1,
    addressLine2: FIELD_SCHEMAS.addressLine2,
    city: FIELD_SCHEMAS.city,
    region: FIELD_SCHEMAS.region,
    postalCode: FIELD_SCHEMAS.postalCode,
    companyPhone: FIELD_SCHEMAS.companyPhone,
  }),
  contact: z.object({
    contactFirstName: FIELD_SCHEMAS.contactFirstName,
    contactLastName: FIELD_SCHEMAS.contactLastName,
    contactEmail: FIELD_SCHEMAS.contactEmail,
    contactPhone: FIELD_SCHEMAS.contactPhone,
  }),
  support: z.object({
    supportEmail: FIELD_SCHEMAS.supportEmail,
    supportPhone: FIELD_SCHEMAS.supportPhone,
    supportWebsite: FIELD_SCHEMAS.supportWebsite,
  }),
  terms: z.object({ acceptTerms: FIELD_SCHEMAS.acceptTerms }),
};

/** The complete, validated application (what a partner record stores). */
export const enrollmentAnswersSchema = z.object({
  ...SECTION_SCHEMAS.partnerType.shape,
  ...tenantSection.shape,
  ...SECTION_SCHEMAS.company.shape,
  ...SECTION_SCHEMAS.contact.shape,
  ...SECTION_SCHEMAS.support.shape,
  ...SECTION_SCHEMAS.terms.shape,
});
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

/** Validates one section's answers (raw card or typed values); returns normalized values or errors. */
export function validateSection<S extends SectionId>(
  section: S,
  input: Record<string, unknown>
): ValidationResult<z.output<(typeof SECTION_SCHEMAS)[S]>> {
  const schema = SECTION_SCHEMAS[section] as unknown as z.ZodType<
    z.output<(typeof SECTION_SCHEMAS)[S]>
  >;
  return toResult(schema.safeParse(input));
}

/** Validates a single typed answer (prompt-style input). */
export function validateField(field: FieldId, input: unknown): ValidationResult<unknown> {
  const parsed = z.object({ [field]: FIELD_SCHEMAS[field] }).safeParse({ [field]: input });
  const result = toResult(parsed);
  return result.ok ? { ok: true, value: (result.value as Record<string, unknown>)[field] } : result;
}

/** Validates a whole application, e.g. a draft being submitted. */
export function validateAnswers(
  input: Record<string, unknown>
): ValidationResult<EnrollmentAnswers> {
  const result = toResult(enrollmentAnswersSchema.safeParse(input));
  if (!result.ok) return result;
  const tenant = validateSection('tenant', input);
  return tenant.ok ? result : tenant;
}

/** The first section with a missing or invalid answer, or undefined when the draft is complete. */
export function firstIncompleteSection(answers: Record<string, unknown>): SectionId | undefined {
  return SECTION_IDS.find((s) => !validateSection(s, answers).ok);
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
