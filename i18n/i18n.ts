import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18n, type Resource } from 'i18next';

/** The languages the product speaks. */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Catalogs are `i18n/<lang>/<namespace>.json`, one namespace per feature so features never
 * edit one shared file. Keys are addressed as `namespace:key`.
 */
function loadResources(): Resource {
  const resources: Resource = {};
  for (const lang of LANGUAGES) {
    resources[lang] = {};
    for (const file of fs.readdirSync(path.join(here, lang))) {
      if (!file.endsWith('.json')) continue;
      resources[lang][file.slice(0, -5)] = JSON.parse(
        fs.readFileSync(path.join(here, lang, file), 'utf8')
      );
    }
  }
  return resources;
}

const resources = loadResources();
const instance: I18n = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources,
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(resources.en),
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

/** Maps a Teams locale (`ru-RU`, `en-US`, `ru`) to a product language; anything else is English. */
export function languageOf(locale: string | undefined | null): Language {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}

/** Translates `namespace:key` for a language or locale. Missing keys throw in tests via `hasKey`. */
export function t(
  lang: Language | string,
  key: string,
  values: Record<string, unknown> = {}
): string {
  return instance.t(key, { ...values, lng: languageOf(lang) }) as string;
}

/** True when the key exists in that language's catalog (used by catalog tests). */
export function hasKey(lang: Language, key: string): boolean {
  return instance.exists(key, { lng: lang, fallbackLng: false });
}

// Intl formatters are costly to build and safe to share: one per locale (and time zone).
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const localeOf = (lang: Language | string) => (languageOf(lang) === 'ru' ? 'ru-RU' : 'en-US');

/** Formats a date for the language, in UTC unless a time zone is given. */
export function formatDate(lang: Language | string, date: Date, timeZone = 'UTC'): string {
  const locale = localeOf(lang);
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    // Time zones come from callers, so the cache is bounded anyway.
    if (dateFormats.size < 100) dateFormats.set(key, format);
  }
  return format.format(date);
}

const listFormats = new Map<string, Intl.ListFormat>();

/**
 * Names or roles as a sentence lists them: "A, B and C" / «A, B и C». Joining with commas
 * read as an unfinished list, and the conjunction differs per language.
 */
export function formatList(lang: Language | string, items: readonly string[]): string {
  const locale = localeOf(lang);
  let format = listFormats.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(items);
}

/** Formats a number for the language. */
export function formatNumber(lang: Language | string, n: number): string {
  const locale = localeOf(lang);
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format.format(n);
}

/** Every key of a namespace in a language, flattened with dots (for catalog parity tests). */
export function catalogKeys(lang: Language): string[] {
  const out: string[] = [];
  const walk = (prefix: string, node: unknown) => {
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else out.push(prefix);
  };
  for (const [ns, tree] of Object.entries(resources[lang])) walk(`${ns}:`, tree);
  return out.map((k) => k.replace(':.', ':'));
}
