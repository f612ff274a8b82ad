import template from './enrollment-section.card.json' with { type: 'json' };
import { countryChoices } from '../../domain/partners/countries.js';
import {
  formatPhone,
  phoneExample,
  PARTNER_TYPES,
  SECTION_FIELDS,
  SECTION_IDS,
  type FieldError,
  type FieldId,
  type SectionId,
} from '../../domain/partners/partner-profile.js';
import { PARTNER_ID_MESSAGE, PARTNER_ID_PATTERN } from '../../domain/partners/partner.js';
import { t, type Language } from '../../i18n/i18n.js';
import { fieldErrorText } from './enrollment-text.js';
import { withFieldErrors } from '../shared/field-errors.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';

export interface EnrollmentSectionCardData {
  readonly section: SectionId;
  /** Current answers (draft values, or what was just submitted when re-asking). */
  readonly answers: Readonly<Record<string, unknown>>;
  readonly errors?: readonly FieldError[];
  /** Shown on the tenant step: Teams tells us the tenant, the person need not type it. */
  readonly tenantId?: string;
  /** Editing from the summary: the button says "Save and review". */
  readonly editing?: boolean;
  /** The program terms page (our /terms), linked from the terms step. */
  readonly termsUrl?: string;
}

type Kind = 'text' | 'choice' | 'toggle';
interface FieldSpec {
  kind: Kind;
  style?: string;
  placeholderKey?: string;
  maxLength?: number;
}

const SPECS: Record<FieldId, FieldSpec> = {
  partnerType: { kind: 'choice', style: 'expanded' },
  tenantCountry: { kind: 'choice', style: 'filtered', placeholderKey: 'country' },
  partnerId: { kind: 'text', placeholderKey: 'partnerId', maxLength: 7 },
  locationCountry: { kind: 'choice', style: 'filtered', placeholderKey: 'country' },
  legalName: { kind: 'text', maxLength: 200 },
  addressLine1: { kind: 'text', maxLength: 200 },
  addressLine2: { kind: 'text', maxLength: 200 },
  city: { kind: 'text', maxLength: 100 },
  region: { kind: 'text', maxLength: 100 },
  postalCode: { kind: 'text', maxLength: 20 },
  companyPhone: { kind: 'text', style: 'tel', placeholderKey: 'phone', maxLength: 40 },
  contactFirstName: { kind: 'text', maxLength: 100 },
  contactLastName: { kind: 'text', maxLength: 100 },
  contactEmail: { kind: 'text', style: 'email', placeholderKey: 'email', maxLength: 254 },
  contactPhone: { kind: 'text', style: 'tel', placeholderKey: 'phone', maxLength: 40 },
  supportEmail: { kind: 'text', style: 'email', placeholderKey: 'email', maxLength: 254 },
  supportPhone: { kind: 'text', style: 'tel', placeholderKey: 'phone', maxLength: 40 },
  supportWebsite: { kind: 'text', style: 'url', placeholderKey: 'website', maxLength: 2000 },
  acceptTerms: { kind: 'toggle' },
};

function choicesFor(field: FieldId, language: Language): { title: string; value: string }[] {
  if (field === 'partnerType') {
    return PARTNER_TYPES.map((p) => ({
      title: `${t(language, `enrollment:partnerTypes.${p}`)}: ${t(language, `enrollment:partnerTypeHints.${p}`)}`,
      value: p,
    }));
  }
  return countryChoices(language);
}

/**
 * Examples of the partner's own country: a Kazakh partner was shown a Moscow phone and a `.ru`
 * mail. Before the country is known, a phone example says to include the country code.
 */
function placeholder(key: string, country: string, language: Language): string {
  if (key === 'phone') {
    const example = phoneExample(country);
    return example
      ? t(language, 'enrollment:placeholders.phone', { example })
      : t(language, 'enrollment:placeholders.phoneAny');
  }
  return t(language, `enrollment:placeholders.${key}`, { tld: domainSuffix(country) });
}

/** The country's usual company domain ending: its ccTLD, `com` when unknown or for the US. */
function domainSuffix(country: string): string {
  if (!/^[A-Z]{2}$/.test(country) || country === 'US') return 'com';
  return country === 'GB' ? 'co.uk' : country.toLowerCase();
}

/** One section of the enrollment form as an Adaptive Card, inputs named by the field ids. */
export function render(data: EnrollmentSectionCardData, language: Language): AdaptiveCardJson {
  const index = SECTION_IDS.indexOf(data.section);
  const errors = data.errors ?? [];
  const country = String(data.answers.tenantCountry ?? data.answers.locationCountry ?? '');
  const fields = SECTION_FIELDS[data.section].map((id: FieldId) => {
    const spec = SPECS[id];
    const raw = data.answers[id];
    // A stored phone is E.164: prefill it spaced, as people typed it.
    const value =
      raw === undefined || raw === null
        ? ''
        : spec.style === 'tel'
          ? formatPhone(String(raw))
          : String(raw);
    return {
      id,
      kind: spec.kind,
      label:
        id === 'acceptTerms'
          ? t(language, 'enrollment:form.acceptTerms')
          : t(language, `enrollment:fields.${id}`),
      value: spec.kind === 'toggle' ? (value === 'true' ? 'true' : 'false') : value,
      placeholder: spec.placeholderKey ? placeholder(spec.placeholderKey, country, language) : '',
      style: spec.style ?? (spec.kind === 'choice' ? 'compact' : 'text'),
      maxLength: spec.maxLength ?? 0,
      choices: spec.kind === 'choice' ? choicesFor(id, language) : [],
      // The PartnerID's one rule and message (the invite form has the same): Teams checks first.
      regex: id === 'partnerId' ? PARTNER_ID_PATTERN : '',
      errorMessage: id === 'partnerId' ? t(language, PARTNER_ID_MESSAGE) : '',
    };
  });
  const card = renderCard(template, {
    stepLabel: t(language, 'enrollment:form.step', { n: index + 1, total: SECTION_IDS.length }),
    title: t(language, `enrollment:sections.${data.section}`),
    intro: t(language, `enrollment:sectionIntro.${data.section}`),
    tenantLine:
      data.section === 'tenant' && data.tenantId
        ? t(language, 'enrollment:form.tenant', { tenantId: data.tenantId })
        : '',
    termsText: data.section === 'terms' ? t(language, 'enrollment:form.termsText') : '',
    termsLink:
      data.section === 'terms' && data.termsUrl
        ? t(language, 'enrollment:form.termsLink', { url: data.termsUrl })
        : '',
    fields,
    verb: Verbs.enrollmentSection,
    section: data.section,
    nextTitle: t(language, data.editing ? 'enrollment:form.saveAndReview' : 'enrollment:form.next'),
    backTitle: t(language, 'enrollment:form.back'),
    showBack: index > 0 || !!data.editing,
  });
  // Every form shows its problems the same way: each under its input, one line above the buttons.
  return errors.length
    ? withFieldErrors(card, errors, language, {
        text: (e) => fieldErrorText(language, e as FieldError),
      })
    : card;
}

export const samples: readonly EnrollmentSectionCardData[] = [
  { section: 'partnerType', answers: {} },
  {
    section: 'tenant',
    answers: { tenantCountry: 'DE', partnerId: '12', locationCountry: 'FR' },
    tenantId: '11111111-1111-1111-1111-111111111111',
    errors: [
      { field: 'partnerId', key: 'enrollment:validation.partnerIdFormat', values: {} },
      {
        field: 'locationCountry',
        key: 'enrollment:validation.locationCountryMismatch',
        values: { tenantCountry: 'DE', locationCountry: 'FR' },
      },
    ],
  },
  { section: 'company', answers: { legalName: 'Contoso GmbH', city: 'Berlin' } },
  {
    section: 'contact',
    answers: {
      contactFirstName: 'Anna',
      contactLastName: 'Petrova',
      contactEmail: 'anna@contoso.example',
    },
  },
  { section: 'support', answers: { supportWebsite: 'http://contoso.example' }, editing: true },
  {
    section: 'terms',
    answers: { acceptTerms: true },
    termsUrl: 'https://partner-connect.example/terms',
  },
];
