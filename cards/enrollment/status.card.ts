import template from './status.card.json' with { type: 'json' };
import type { EnrollmentStatus } from '../../domain/enrollment/enrollment.service.js';
import { can, type Role } from '../../domain/partners/roles.js';
import { MAX_REASON_LENGTH } from '../../domain/enrollment/review.service.js';
import { applicationActions } from '../../domain/enrollment/application.js';
import { formatList, t, type Language } from '../../i18n/i18n.js';
import { dateText } from './enrollment-text.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { samples as reviewSamples } from './review.card.js';
import { Verbs } from '../verbs.js';
import { userText } from '../shared/user-text.js';

export type StatusCardData = EnrollmentStatus;

interface Button {
  title: string;
  verb: string;
  command: string;
  inputs: 'auto' | 'none';
}

/**
 * Where the organization's enrollment stands and the next step, with the buttons for it. Users
 * of the tenant without a role see the status and next step only, not the application's details.
 */
export function render(data: StatusCardData, language: Language): AdaptiveCardJson {
  const { partner, draft, roles } = data;
  const state = partner?.status ?? (draft ? 'draft' : 'none');
  const button = (titleKey: string, command: string): Button => ({
    title: t(language, titleKey),
    verb: Verbs.commandRun,
    command,
    inputs: 'none',
  });
  const buttons: Button[] = [];
  const facts: { title: string; value: string }[] = [];
  let headline = '';
  if (partner) {
    facts.push({
      title: t(language, 'enrollment:status.organization'),
      value: userText(partner.legalName),
    });
    if (can('partner.viewStatus', roles)) {
      facts.push(
        {
          title: t(language, 'enrollment:status.partnerType'),
          value: t(language, `enrollment:partnerTypes.${partner.partnerType}`),
        },
        { title: t(language, 'enrollment:status.partnerId'), value: userText(partner.partnerId) }
      );
    }
    facts.push({
      title: t(language, 'enrollment:status.state'),
      value: t(language, `enrollment:statuses.${partner.status}`),
    });
    facts.push({
      title: t(language, 'enrollment:status.submitted'),
      value: dateText(language, partner.submittedAt),
    });
    if (partner.decision) {
      facts.push({
        title: t(language, 'enrollment:status.decided'),
        value: dateText(language, partner.decision.at),
      });
      if (partner.decision.reason)
        facts.push({
          title: t(language, 'enrollment:status.reason'),
          value: userText(partner.decision.reason, MAX_REASON_LENGTH),
        });
    }
    facts.push({
      title: t(language, 'enrollment:status.yourRoles'),
      value: roles.length
        ? formatList(
            language,
            roles.map((r: Role) => t(language, `enrollment:roles.${r}`))
          )
        : t(language, 'enrollment:status.noRoles'),
    });
  } else if (draft) {
    headline = t(language, 'enrollment:status.draft', {
      section: t(language, `enrollment:sections.${draft.step}`),
    });
  } else {
    headline = t(language, 'enrollment:status.none');
  }
  const pending = state === 'emailVerificationPending';
  if (pending) {
    buttons.push({
      title: t(language, 'enrollment:verifyCard.verify'),
      verb: Verbs.enrollmentVerify,
      command: '',
      inputs: 'auto',
    });
    buttons.push({
      title: t(language, 'enrollment:verifyCard.resend'),
      verb: Verbs.enrollmentResendCode,
      command: '',
      inputs: 'none',
    });
  }
  if (state === 'none') buttons.push(button('enrollment:buttons.enroll', 'enroll'));
  if (state === 'draft') buttons.push(button('enrollment:buttons.continue', 'enroll'));
  if (partner && applicationActions(partner, { isOperator: false, roles }).includes('resubmit'))
    buttons.push(button('enrollment:buttons.resubmit', 'enroll'));
  if (partner && roles.includes('globalAdmin'))
    buttons.push(button('enrollment:buttons.users', 'users'));
  if (data.isOperator) buttons.push(button('enrollment:buttons.review', 'review'));
  return renderCard(template, {
    title: t(language, 'enrollment:status.title'),
    headline,
    facts,
    nextLabel: t(language, 'enrollment:status.nextStep'),
    next: t(language, 'enrollment:status.next', { context: nextContext(data, state) }),
    extra: [
      pending && data.resendWaitSeconds > 0
        ? t(language, 'enrollment:status.resendIn', { count: data.resendWaitSeconds })
        : '',
      data.isOperator ? t(language, 'enrollment:status.operator') : '',
    ]
      .filter(Boolean)
      .join(' '),
    showCode: pending,
    codeLabel: t(language, 'enrollment:verifyCard.codeLabel'),
    codePlaceholder: '123456',
    buttons,
  });
}

/**
 * Which next step to name: once approved, "type users" only to a Global admin (the only one who
 * may run it); everyone else gets the first step of their partner type.
 */
function nextContext(data: StatusCardData, state: string): string {
  if (state !== 'approved' || !data.partner || data.roles.includes('globalAdmin')) return state;
  return `approved_${data.partner.partnerType}`;
}

const partner = reviewSamples[0].partner;

export const samples: readonly StatusCardData[] = [
  { partner: null, draft: null, roles: [], isOperator: false, resendWaitSeconds: 0 },
  {
    partner: null,
    draft: { tenantId: 't', aadObjectId: 'u', answers: {}, step: 'company', updatedAt: new Date() },
    roles: [],
    isOperator: false,
    resendWaitSeconds: 0,
  },
  {
    partner: { ...partner, status: 'emailVerificationPending' },
    draft: null,
    roles: ['globalAdmin', 'adminAgent'],
    isOperator: false,
    resendWaitSeconds: 42,
  },
  { partner, draft: null, roles: [], isOperator: true, resendWaitSeconds: 0 },
  {
    partner: reviewSamples[2].partner,
    draft: null,
    roles: ['globalAdmin'],
    isOperator: false,
    resendWaitSeconds: 0,
  },
];
