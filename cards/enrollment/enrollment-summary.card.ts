import template from './enrollment-summary.card.json' with { type: 'json' };
import {
  SECTION_FIELDS,
  SECTION_IDS,
  type FieldId,
} from '../../domain/partners/partner-profile.js';
import { t, type Language } from '../../i18n/i18n.js';
import { answerText } from './enrollment-text.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';
import { userText } from '../shared/user-text.js';

export interface EnrollmentSummaryCardData {
  readonly answers: Readonly<Record<string, unknown>>;
  /** The reason of the rejection being fixed, when resubmitting. */
  readonly rejectedReason?: string;
  /** Set when the contact's email domain differs from the enrolling user's. */
  readonly contactDomain?: { readonly contactDomain: string; readonly yourDomain: string };
}

/**
 * Every answer by section, an Edit button per section, and Submit. Each answer is a row of two
 * weighted columns, not a FactSet: a FactSet sizes its label column to its own longest label,
 * so the sections' columns would not line up.
 */
export function render(data: EnrollmentSummaryCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'enrollment:summary.title'),
    rejectedText: data.rejectedReason
      ? t(language, 'enrollment:summary.rejectedBecause', { reason: userText(data.rejectedReason) })
      : '',
    intro: t(language, 'enrollment:summary.intro'),
    domainText: data.contactDomain
      ? t(language, 'enrollment:summary.contactDomain', data.contactDomain)
      : '',
    sections: SECTION_IDS.map((id) => ({
      id,
      title: t(language, `enrollment:sections.${id}`),
      editTitle: t(language, 'enrollment:summary.edit'),
      verb: Verbs.enrollmentEdit,
      facts: SECTION_FIELDS[id].map((field: FieldId) => ({
        title: t(language, `enrollment:fields.${field}`),
        value: answerText(language, field, data.answers[field]),
      })),
    })),
    submitVerb: Verbs.enrollmentSubmit,
    submitTitle: t(language, 'enrollment:summary.submit'),
    backTitle: t(language, 'enrollment:form.back'),
  });
}

export const samples: readonly EnrollmentSummaryCardData[] = [
  {
    answers: {
      partnerType: 'reseller',
      tenantCountry: 'DE',
      partnerId: '1234567',
      locationCountry: 'DE',
      legalName: 'Contoso GmbH',
      addressLine1: 'Hauptstrasse 1',
      city: 'Berlin',
      postalCode: '10115',
      companyPhone: '+49301234567',
      contactFirstName: 'Anna',
      contactLastName: 'Schmidt',
      contactEmail: 'anna@contoso.example',
      contactPhone: '+49307654321',
      supportEmail: 'support@contoso.example',
      supportPhone: '+49301111111',
      supportWebsite: 'https://support.contoso.example/',
      acceptTerms: true,
    },
  },
  {
    answers: { partnerType: 'provider' },
    rejectedReason: 'The legal name does not match the PartnerID profile',
    contactDomain: { contactDomain: 'gmail.com', yourDomain: 'contoso.example' },
  },
];
