import snowball from 'snowball-stemmers';
import { Errors } from '../../errors.js';

/**
 * Text search languages. mongod 7.0 knows 15 languages plus `none` (by English name or ISO
 * 639-1 code, case-insensitively). This server stems and filters stop words for English and
 * Russian (Snowball stemmers, as mongod's libstemmer) and `none` (neither); the other names
 * mongod knows are refused with 238 rather than indexed with the wrong rules.
 */
export type TextLanguage = 'english' | 'russian' | 'none';

const KNOWN: Record<string, string> = {
  none: 'none',
  da: 'danish',
  danish: 'danish',
  nl: 'dutch',
  dutch: 'dutch',
  en: 'english',
  english: 'english',
  fi: 'finnish',
  finnish: 'finnish',
  fr: 'french',
  french: 'french',
  de: 'german',
  german: 'german',
  hu: 'hungarian',
  hungarian: 'hungarian',
  it: 'italian',
  italian: 'italian',
  nb: 'norwegian',
  norwegian: 'norwegian',
  pt: 'portuguese',
  portuguese: 'portuguese',
  ro: 'romanian',
  romanian: 'romanian',
  ru: 'russian',
  russian: 'russian',
  es: 'spanish',
  spanish: 'spanish',
  sv: 'swedish',
  swedish: 'swedish',
  tr: 'turkish',
  turkish: 'turkish',
};

/** mongod's canonical name for a language string, or undefined when mongod does not know it. */
export function canonicalLanguage(name: string): string | undefined {
  return Object.hasOwn(KNOWN, name.toLowerCase()) ? KNOWN[name.toLowerCase()] : undefined;
}

/**
 * The language for `name`; `unknown` builds the error mongod gives where the name appears.
 * A language mongod knows but this server does not stem is refused with 238.
 */
export function textLanguage(name: string, unknown: () => Error): TextLanguage {
  const canonical = canonicalLanguage(name);
  if (canonical === undefined) throw unknown();
  if (canonical === 'english' || canonical === 'russian' || canonical === 'none') return canonical;
  throw Errors.notImplemented(
    `text search in ${canonical} is not supported by the embedded server (english, russian and none are)`
  );
}

/**
 * Snowball's stop word lists (snowballstem.org, BSD licence), which mongod's lists derive from.
 * mongod's shipped Russian list lost the words holding 'ч' and 'п' when it was converted; this
 * one keeps them (see the README).
 */
const ENGLISH_STOP_WORDS = `a about above after again against all am an and any are aren't as at be because been
before being below between both but by can't cannot could couldn't did didn't do does doesn't doing don't down during
each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself
no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd they'll
they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves`;

const RUSSIAN_STOP_WORDS = `и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять
уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего
раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее
сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда
конечно всю между человек жизнь говорил сказал сказала сказать сегодня кажется`;

const STOP_WORDS: Record<TextLanguage, Set<string>> = {
  english: new Set(ENGLISH_STOP_WORDS.split(/\s+/)),
  russian: new Set(RUSSIAN_STOP_WORDS.split(/\s+/)),
  none: new Set(),
};

const STEMMERS: Record<TextLanguage, (word: string) => string> = {
  english: (() => {
    const s = snowball.newStemmer('english');
    return (w: string) => s.stem(w);
  })(),
  russian: (() => {
    const s = snowball.newStemmer('russian');
    return (w: string) => s.stem(w);
  })(),
  none: (w: string) => w,
};

export function isStopWord(language: TextLanguage, lowered: string): boolean {
  return STOP_WORDS[language].has(lowered);
}

export function stem(language: TextLanguage, word: string): string {
  return STEMMERS[language](word);
}
