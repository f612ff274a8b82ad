import { isStopWord, stem, type TextLanguage } from './languages.js';

/**
 * mongod's text tokenizer (text index version 3): words are runs of code points that are not
 * delimiters (Unicode White_Space, Dash, Hyphen, Quotation_Mark, Terminal_Punctuation,
 * Pattern_Syntax, Sentence_Terminal); in English the apostrophe stays inside a word, so
 * "don't" is one word (a stop word) and "partner's" stems to "partner".
 */
const DELIMITER =
  /[\p{White_Space}\p{Dash}\p{Quotation_Mark}\p{Terminal_Punctuation}\p{Pattern_Syntax}\p{Sentence_Terminal}\u00AD\u058A\u1806\u2010\u2011\u2E17\u30FB\uFE63\uFF0D\uFF65]/u;

function isDelimiter(ch: string, english: boolean): boolean {
  if (ch === "'") return !english;
  return DELIMITER.test(ch);
}

/** The words of `text`, in order, as written. */
export function words(text: string, language: TextLanguage): string[] {
  const english = language === 'english';
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (isDelimiter(ch, english)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

const DIACRITIC = /\p{Diacritic}/u;
const stripped = new Map<string, string>();

/**
 * One code point without its diacritics, as mongod's table (built from NFD minus the
 * Diacritic property, kept only when it recomposes to one code point): 'é' -> 'e', 'й' -> 'и',
 * 'ё' -> 'е'; a pure diacritic ('^', '`', combining marks) disappears.
 */
function stripChar(ch: string): string {
  let out = stripped.get(ch);
  if (out !== undefined) return out;
  if (DIACRITIC.test(ch)) out = '';
  else {
    const base = [...ch.normalize('NFD')].filter((c) => !DIACRITIC.test(c)).join('');
    const recomposed = base.normalize('NFC');
    out = [...recomposed].length === 1 ? recomposed : ch;
  }
  stripped.set(ch, out);
  return out;
}

export function stripDiacritics(text: string): string {
  let out = '';
  for (const ch of text) out += stripChar(ch);
  return out;
}

export interface TokenOptions {
  filterStopWords: boolean;
  caseSensitive: boolean;
  diacriticSensitive: boolean;
}

/**
 * The terms of `text` as mongod's tokenizer yields them: the lowercased word is checked
 * against the stop words, the word (lowercased unless case sensitive) is stemmed, and then
 * its diacritics are removed unless diacritic sensitive.
 */
export function terms(text: string, language: TextLanguage, opts: TokenOptions): string[] {
  const out: string[] = [];
  for (const word of words(text, language)) {
    const lower = word.toLowerCase();
    if (opts.filterStopWords && isStopWord(language, lower)) continue;
    const stemmed = stem(language, opts.caseSensitive ? word : lower);
    out.push(opts.diacriticSensitive ? stemmed : stripDiacritics(stemmed));
  }
  return out;
}

/** Index terms: stop words out, case folded, diacritics removed. */
export const INDEX_TERMS: TokenOptions = {
  filterStopWords: true,
  caseSensitive: false,
  diacriticSensitive: false,
};
