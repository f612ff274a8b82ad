import { countryName } from '../../domain/partners/countries.js';
import type { PersonRef } from '../../domain/partners/partner.js';
import {
  ADMIN_ROLES,
  type AdminRole,
  type RelationshipEvent,
} from '../../domain/relationships/relationship.js';
import { formatList, t, type Language } from '../../i18n/i18n.js';
import { MAX_DISPLAY_NAME, userText } from '../shared/user-text.js';

/** Roles as Entra names them, least privilege first, joined for a fact or a sentence. */
export function rolesText(language: Language, roles: readonly AdminRole[]): string {
  return formatList(
    language,
    roles.map((r) => t(language, `relationships:roles.${r}`))
  );
}

/** The role choices of a request or extend card, least privilege first (Global Admin last). */
export function roleChoices(language: Language): { title: string; value: string }[] {
  return ADMIN_ROLES.map((r) => ({ title: t(language, `relationships:roles.${r}`), value: r }));
}

/**
 * A date without the time (access runs in days), in UTC like every date the bot shows. Russian
 * drops the year's "г." ("1 мар. 2027"): catalog sentences end with the date and a full stop,
 * which made "2027 г.." on cards, pages and mails.
 */
export function dayText(language: Language, date: Date | string): string {
  if (language !== 'ru') return DAY_FORMATS.en.format(new Date(date));
  return DAY_FORMATS.ru.format(new Date(date)).replace(/\s*г\.$/u, '');
}

/** Built once: a relationship card shows several dates, and each formatter is costly to make. */
const DAY_FORMATS = {
  en: new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }),
  ru: new Intl.DateTimeFormat('ru-RU', { dateStyle: 'medium', timeZone: 'UTC' }),
};

/** Who acted: a person's display name (made safe), or the product for the sweep. */
export function byText(language: Language, by: PersonRef | 'system'): string {
  return by === 'system'
    ? t(language, 'relationships:card.system')
    : userText(by.name ?? by.aadObjectId, MAX_DISPLAY_NAME);
}

/** "Authorized by Anna on 2 Dec 2026": the last thing that happened, for cards and notices. */
export function lastEventText(language: Language, event: RelationshipEvent): string {
  const which = event.note ?? event.to;
  return t(language, `relationships:card.last_${which}`, {
    name: byText(language, event.by),
    date: dayText(language, event.at),
  });
}

export function countryText(language: Language, code: string): string {
  return countryName(code, language);
}
