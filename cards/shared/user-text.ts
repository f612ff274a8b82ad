/**
 * Text a user typed (enrollment answers, a rejection reason) or chose (their Teams display
 * name), made safe to show to someone else. Adaptive Card TextBlocks and FactSet values, and
 * message text, render Teams markdown: `[Open the profile](https://evil.example)` would be a live
 * link on an operator's card, and bidi overrides (U+202E) would show `fdp.exe` as `exe.pdf`.
 */

/** Bidi embeddings/overrides/isolates and marks, zero-width and other invisible format chars. */
const INVISIBLE =
  /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\ufeff\u00ad\u061c\u180e]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** Characters that start or end markdown anywhere in a line (emphasis, code, links, images, tables, HTML). */
const INLINE_MARKDOWN = /[\\`*_~[\]()<>!|{}]/g;
/** At the start of a line: headings, quotes, lists, numbered lists. */
const LINE_START_MARKDOWN = /^(\s*)([#>+=-])/;
const NUMBERED_LIST = /^(\s*\d+)([.)])/;

/** Longest display name kept (Entra allows 256). */
export const MAX_DISPLAY_NAME = 256;
/** Default cap of one shown value: far below Teams' 28 KB message limit even with a dozen fields. */
export const MAX_USER_TEXT = 500;

/** Without invisible and control characters (line breaks become spaces), trimmed. */
export function plainText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(INVISIBLE, '').replace(CONTROL, ' ').trim();
}

/** Cut to `maxLength` characters (code points), with an ellipsis when cut. */
function capped(text: string, maxLength: number): string {
  const chars = [...text];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join('')}…` : text;
}

/**
 * A user-supplied value as literal text in Teams markdown: invisible and control characters
 * removed, at most `maxLength` characters, markdown characters backslash-escaped so they show
 * as typed. Every card `render()` and reply passes user values through this, once.
 */
export function userText(value: unknown, maxLength = MAX_USER_TEXT): string {
  const text = capped(plainText(value), maxLength);
  return text
    .replace(INLINE_MARKDOWN, (c) => `\\${c}`)
    .replace(LINE_START_MARKDOWN, '$1\\$2')
    .replace(NUMBERED_LIST, '$1\\$2');
}

/**
 * A display name as the bot stores it (from an activity or the team roster): invisible and
 * control characters removed and capped, not escaped (escaping happens where it is shown).
 * Undefined when nothing is left.
 */
export function displayName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return capped(plainText(value), MAX_DISPLAY_NAME) || undefined;
}
