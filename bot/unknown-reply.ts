import { formatList, t, type Language } from '../i18n/i18n.js';
import type { CommandHandler } from './feature.js';
import { userText } from '../cards/shared/user-text.js';

const MAX_ECHO = 60;
const MAX_SUGGESTIONS = 4;
const GENERIC_COMMANDS: ReadonlySet<string> = new Set(['help', 'cancel', 'language']);

/**
 * "Didn't understand" with a way forward: the command the word was probably meant to be
 * (edit distance <= 2, any alias), else a few commands this user may use, and help.
 */
export function unknownTextReply(
  text: string,
  commands: readonly CommandHandler[],
  language: Language
): string {
  const echo = userText(text, MAX_ECHO);
  const first = t(language, 'bot:unknown.text', { text: echo });
  const word = text.split(/\s+/)[0].toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of commands.flatMap((c) => c.names)) {
    const distance = editDistance(word, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  if (best) return `${first} ${t(language, 'bot:unknown.didYouMean', { command: best.name })}`;
  // What this person can do here first (their features' commands), then help for the rest:
  // cancel and language are no answer to "what can I do".
  const doable = commands.filter((c) => !GENERIC_COMMANDS.has(c.names[0]));
  const help = commands.filter((c) => c.names[0] === 'help');
  const names = [...doable.slice(0, MAX_SUGGESTIONS - help.length), ...help].map(
    (c) => `**${commandName(c, language)}**`
  );
  return `${first} ${t(language, 'bot:unknown.suggestions', {
    commands: formatList(language, names),
  })}`;
}

/** The word to show for a command: its Russian alias in Russian, else its English name. */
export function commandName(command: CommandHandler, language: Language): string {
  const russian = command.names.find((n) => /[а-яё]/i.test(n));
  return language === 'ru' && russian ? russian : command.names[0];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
