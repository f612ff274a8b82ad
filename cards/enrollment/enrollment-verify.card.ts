import template from './enrollment-verify.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';
import { userText } from '../shared/user-text.js';

export interface EnrollmentVerifyCardData {
  /** Where the code went (the primary contact's email). */
  readonly email: string;
  readonly minutes: number;
  /** What was typed, kept when the card comes back with an error (Teams redraws it empty). */
  readonly code?: string;
  /** Why the code was refused, shown under the code field. */
  readonly error?: string;
}

/** Longer than any code, short enough that a crafted submit cannot bloat the card. */
const MAX_CODE_ECHO = 16;

/** Asks for the 6-digit code mailed to the contact, with a button to send a new one. */
export function render(data: EnrollmentVerifyCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'enrollment:verifyCard.title'),
    prompt: t(language, 'enrollment:dialog.askCode', {
      email: userText(data.email),
      minutes: data.minutes,
    }),
    codeLabel: t(language, 'enrollment:verifyCard.codeLabel'),
    codePlaceholder: '123456',
    code: (data.code ?? '').slice(0, MAX_CODE_ECHO),
    error: data.error ?? '',
    hint: t(language, 'enrollment:dialog.later'),
    verifyVerb: Verbs.enrollmentVerify,
    verifyTitle: t(language, 'enrollment:verifyCard.verify'),
    resendVerb: Verbs.enrollmentResendCode,
    resendTitle: t(language, 'enrollment:verifyCard.resend'),
  });
}

export const samples: readonly EnrollmentVerifyCardData[] = [
  { email: 'anna@contoso.example', minutes: 30 },
  {
    email: 'anna@contoso.example',
    minutes: 30,
    code: '123455',
    error: 'That code is not right. Attempts left: 4.',
  },
];
