import { PARTNER_TYPES, type SectionId } from '../../domain/partners/partner-profile.js';
import { t } from '../../i18n/i18n.js';
import type { TextParser } from '../card-prompt.js';

const BACK = new Set(['back', 'назад', 'previous', 'prev']);
const YES = new Set([
  'yes',
  'y',
  'accept',
  'i accept',
  'agree',
  'да',
  'принимаю',
  'согласен',
  'согласна',
]);
const SUBMIT = new Set(['submit', 'send', 'отправить', 'отправь']);
const TYPE_WORDS: Record<string, (typeof PARTNER_TYPES)[number]> = {
  '1': 'reseller',
  '2': 'provider',
  reseller: 'reseller',
  'indirect reseller': 'reseller',
  реселлер: 'reseller',
  'торговый посредник': 'reseller',
  посредник: 'reseller',
  provider: 'provider',
  'indirect provider': 'provider',
  distributor: 'provider',
  поставщик: 'provider',
  дистрибьютор: 'provider',
};

const norm = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[.!«»"]+/g, '')
    .replace(/\s+/g, ' ');

/** `back` / `назад` typed anywhere in the form. */
export function isBack(text: string): boolean {
  return BACK.has(norm(text));
}

/**
 * Typed answers a section accepts besides its card: `back`, the partner type by name or number,
 * and "yes" to the terms. Multi-field sections need the card; anything else is not an answer.
 */
export function sectionParser(section: SectionId): TextParser {
  return (text) => {
    const typed = norm(text);
    if (BACK.has(typed)) return { action: 'back' };
    if (section === 'partnerType') {
      const byName = TYPE_WORDS[typed];
      const byTitle = PARTNER_TYPES.find((p) =>
        (['en', 'ru'] as const).some((l) => norm(t(l, `enrollment:partnerTypes.${p}`)) === typed)
      );
      const type = byName ?? byTitle;
      return type ? { action: 'next', partnerType: type } : undefined;
    }
    if (section === 'terms' && YES.has(typed)) return { action: 'next', acceptTerms: 'true' };
    return undefined;
  };
}

/** The summary accepts `submit` and `back` typed. */
export const summaryParser: TextParser = (text) => {
  const typed = norm(text);
  if (BACK.has(typed)) return { action: 'back' };
  if (SUBMIT.has(typed)) return { action: 'submit' };
  return undefined;
};

/** A typed code (`123456`, `123 456`, `verify 123456`); other text means "not now". */
export const codeParser: TextParser = (text) => {
  const m = /^(?:verify|подтвердить)?\s*(\d[\d\s-]{4,10}\d)$/i.exec(text.trim());
  if (m) return { code: m[1].replace(/[\s-]/g, '') };
  // `verify <something>` is meant as the code, even a mistyped one: the step says what is wrong
  // with it, instead of leaving and having the command say so a second time.
  const typed = /^(?:verify|подтвердить)\s+(\S.*)$/i.exec(text.trim());
  if (typed) return { code: typed[1].replace(/[\s-]/g, '') };
  return { action: 'leave', text: text.trim() };
};
