import template from './review.card.json' with { type: 'json' };
import { countryName } from '../../domain/partners/countries.js';
import { FIELD_IDS } from '../../domain/partners/partner-profile.js';
import type { Partner } from '../../domain/partners/partner.js';
import { MAX_REASON_LENGTH } from '../../domain/enrollment/review.service.js';
import { applicationActions } from '../../domain/enrollment/application.js';
import { t, type Language } from '../../i18n/i18n.js';
import { answerText, dateText } from './enrollment-text.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';
import { MAX_DISPLAY_NAME, userText } from '../shared/user-text.js';

export interface ReviewCardData {
  readonly partner: Partner;
}

/**
 * The operators' card for one application: every answer, then Approve / Reject (with a reason)
 * while it awaits their decision (the application's rule); once decided, who decided and when.
 */
export function render(data: ReviewCardData, language: Language): AdaptiveCardJson {
  const p = data.partner;
  const decision = p.decision;
  return renderCard(template, {
    title: t(language, 'enrollment:review.title', { legalName: userText(p.legalName) }),
    summary: t(language, 'enrollment:review.summary', {
      partnerType: t(language, `enrollment:partnerTypes.${p.partnerType}`),
      partnerId: userText(p.partnerId),
      country: countryName(p.tenantCountry, language),
    }),
    submittedBy: t(language, 'enrollment:review.submittedBy', {
      name: userText(p.submittedBy.name ?? p.submittedBy.aadObjectId, MAX_DISPLAY_NAME),
      date: dateText(language, p.submittedAt),
    }),
    verified: p.emailVerifiedAt
      ? t(language, 'enrollment:review.verifiedEmail', {
          date: dateText(language, p.emailVerifiedAt),
        })
      : '',
    facts: [
      { title: t(language, 'enrollment:review.tenant'), value: userText(p.tenantId) },
      ...FIELD_IDS.filter((f) => f !== 'acceptTerms').map((f) => ({
        title: t(language, `enrollment:fields.${f}`),
        value: answerText(language, f, (p as unknown as Record<string, unknown>)[f]),
      })),
    ],
    decided: !!decision,
    // Only operators ever see this card: what an operator may do is the application's rule.
    decidable: applicationActions(p, { isOperator: true }).includes('approve'),
    decisionStyle: decision?.outcome === 'approved' ? 'good' : 'attention',
    decisionText: decision
      ? t(language, 'enrollment:review.decided', {
          context: decision.outcome,
          name: userText(decision.by.name ?? decision.by.aadObjectId, MAX_DISPLAY_NAME),
          date: dateText(language, decision.at),
        })
      : '',
    reasonText: decision?.reason
      ? t(language, 'enrollment:review.reason', {
          reason: userText(decision.reason, MAX_REASON_LENGTH),
        })
      : '',
    reasonLabel: t(language, 'enrollment:review.reasonLabel'),
    reasonPlaceholder: t(language, 'enrollment:review.reasonPlaceholder'),
    // Reject's rule, checked by Teams too (Approve sends no inputs, so it is never held up).
    reasonError: t(language, 'enrollment:validation.reasonRequired'),
    partnerRef: p.id,
    // Which submission the buttons decide: a resubmitted application needs a fresh look.
    submission: new Date(p.submittedAt).toISOString(),
    approveVerb: Verbs.reviewApprove,
    approveTitle: t(language, 'enrollment:review.approve'),
    rejectVerb: Verbs.reviewReject,
    rejectTitle: t(language, 'enrollment:review.reject'),
  });
}

const base: Partner = {
  id: '6740a1b2c3d4e5f601234567',
  tenantId: '11111111-1111-1111-1111-111111111111',
  status: 'underReview',
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
  submittedBy: {
    tenantId: '11111111-1111-1111-1111-111111111111',
    aadObjectId: 'u1',
    name: 'Anna Schmidt',
  },
  submittedAt: new Date('2026-11-25T10:00:00Z'),
  verifiedEmail: 'anna@contoso.example',
  emailVerifiedAt: new Date('2026-11-25T10:05:00Z'),
  createdAt: new Date('2026-11-25T10:00:00Z'),
  updatedAt: new Date('2026-11-25T10:05:00Z'),
};

/** Sample partners (also used by other card tests): under review, approved, rejected. */
export const samples: readonly ReviewCardData[] = [
  { partner: base },
  {
    partner: {
      ...base,
      status: 'approved',
      decision: {
        outcome: 'approved',
        by: { tenantId: 't-ops', aadObjectId: 'op-1', name: 'Olga Operator' },
        at: new Date('2026-11-26T09:00:00Z'),
      },
    },
  },
  {
    partner: {
      ...base,
      status: 'rejected',
      decision: {
        outcome: 'rejected',
        by: { tenantId: 't-ops', aadObjectId: 'op-1', name: 'Olga Operator' },
        at: new Date('2026-11-26T09:00:00Z'),
        reason: 'The legal name does not match the PartnerID profile',
      },
    },
  },
];
