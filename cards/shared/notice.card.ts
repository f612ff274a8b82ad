import template from './notice.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';

/** A catalog key and its values. */
export interface NoticeText {
  readonly key: string;
  readonly values?: Record<string, unknown>;
}

export interface NoticeCardData {
  readonly title: NoticeText;
  readonly message: NoticeText;
  readonly tone?: 'good' | 'attention' | 'default';
  /** What to do next, each a button running a command (`users`, `enroll`). */
  readonly steps: readonly { readonly command: string; readonly title: NoticeText }[];
}

/** A proactive notice with its next step as a button, not as "type users" in a sentence. */
export function render(data: NoticeCardData, language: Language): AdaptiveCardJson {
  const tr = (text: NoticeText) => t(language, text.key, text.values ?? {});
  return renderCard(template, {
    title: tr(data.title),
    message: tr(data.message),
    color: data.tone === 'good' ? 'Good' : data.tone === 'attention' ? 'Attention' : 'Default',
    steps: data.steps.map((s) => ({ command: s.command, title: tr(s.title) })),
  });
}

export const samples: readonly NoticeCardData[] = [
  {
    title: { key: 'enrollment:outcomeCard.title_approved' },
    message: {
      key: 'enrollment:outcome.approved_reseller',
      values: { legalName: 'Contoso GmbH', partnerId: '1234567' },
    },
    tone: 'good',
    steps: [{ command: 'users', title: { key: 'enrollment:outcomeCard.users' } }],
  },
];
