import enTab from '../i18n/en/tab.json' with { type: 'json' };
import ruTab from '../i18n/ru/tab.json' with { type: 'json' };
import enCommon from '../i18n/en/common.json' with { type: 'json' };
import ruCommon from '../i18n/ru/common.json' with { type: 'json' };
import enIntegrations from '../i18n/en/integrations.json' with { type: 'json' };
import ruIntegrations from '../i18n/ru/integrations.json' with { type: 'json' };

/** The languages the tab speaks: the bot's (i18n/i18n.ts LANGUAGES). */
export type TabLanguage = 'en' | 'ru';

// The bot's own catalogs, inlined by the build: one source of truth for both surfaces, and no
// request for strings at run time.
const CATALOGS: Record<TabLanguage, Record<string, unknown>> = {
  en: { tab: enTab, common: enCommon, integrations: enIntegrations },
  ru: { tab: ruTab, common: ruCommon, integrations: ruIntegrations },
};

/** `ru-RU`, `ru`, `en-US` -> a tab language; anything else is English, as the bot does. */
export function tabLanguageOf(locale: string | null | undefined): TabLanguage {
  return (locale ?? '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

function lookup(lang: TabLanguage, key: string): string | undefined {
  const [ns, rest] = key.includes(':') ? key.split(':', 2) : ['tab', key];
  let node: unknown = CATALOGS[lang][ns!];
  for (const part of rest!.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return typeof node === 'string' ? node : undefined;
}

/** The tab's `t`: `key` in the `tab` namespace (or `ns:key`), `{{name}}` filled, English fallback. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

export function translator(lang: TabLanguage): Translate {
  return (key, values = {}) => {
    const text = lookup(lang, key) ?? lookup('en', key) ?? key;
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
  };
}

/** Dates as the bot shows them (medium date), in UTC so the tab and the cards agree. */
export function formatDay(lang: TabLanguage, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-US', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date);
}
