import template from './language.card.json' with { type: 'json' };
import { LANGUAGES, t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';

export interface LanguageCardData {
  /** The language the user has now (not offered again first). */
  readonly current: Language;
}

/** Asks which language to use; each choice is named in its own language. */
export function render(data: LanguageCardData, language: Language): AdaptiveCardJson {
  const ordered = [data.current, ...LANGUAGES.filter((l) => l !== data.current)];
  return renderCard(template, {
    title: t(language, 'bot:language.title'),
    text: t(language, 'bot:language.text'),
    languages: ordered.map((code) => ({ code, name: t(code, `common:languages.${code}`) })),
  });
}

export const samples: readonly LanguageCardData[] = [{ current: 'en' }, { current: 'ru' }];
