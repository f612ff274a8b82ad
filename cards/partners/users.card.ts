import template from './users.card.json' with { type: 'json' };
import type { TenantUser } from '../../domain/partners/membership.service.js';
import { ROLES } from '../../domain/partners/roles.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';
import { displayName, MAX_DISPLAY_NAME, userText } from '../shared/user-text.js';

export interface UsersCardData {
  readonly users: readonly TenantUser[];
  /** The Global admin looking at the card. */
  readonly me: string;
  /** A line above the list: what was just saved, or why it was refused. */
  readonly notice?: { readonly text: string; readonly isError?: boolean };
  /** Which page of `users` to show (0-based; past the end: the last page). */
  readonly page?: number;
}

/**
 * People per page. Teams refuses a message over about 28 KB, and one person takes up to ~1.5 KB
 * (a 256-character name twice, escaped, an address, four role choices): ten stay well under it
 * in either language, however long the names, and team installs make the list grow without bound.
 */
export const USERS_PAGE_SIZE = 10;
/** A page number a card may carry: pages past the end show the last one. */
export const MAX_USERS_PAGE = 10_000;

/** The input id holding one user's roles (the Save button names the user; inputs are all sent). */
export function rolesInputId(aadObjectId: string): string {
  return `roles-${aadObjectId}`;
}

/** The tenant's users with a multi-select of roles and a Save button each (Global admin only). */
export function render(data: UsersCardData, language: Language): AdaptiveCardJson {
  const choices = ROLES.map((r) => ({ title: t(language, `enrollment:roles.${r}`), value: r }));
  const pages = Math.max(1, Math.ceil(data.users.length / USERS_PAGE_SIZE));
  const page = Math.min(Math.max(0, Math.trunc(data.page ?? 0)), pages - 1);
  const shown = data.users.slice(page * USERS_PAGE_SIZE, (page + 1) * USERS_PAGE_SIZE);
  const pageButton = (to: number, titleKey: string) => ({
    title: t(language, titleKey),
    data: { verb: Verbs.usersPage, page: to },
  });
  return renderCard(template, {
    title: t(language, 'enrollment:users.title'),
    intro: t(language, 'enrollment:users.intro'),
    notice: data.notice?.text ?? '',
    noticeColor: data.notice?.isError ? 'attention' : 'good',
    users: shown.map((u) => {
      const raw = u.name ?? u.email ?? u.aadObjectId;
      // TextBlocks render markdown; an input's label is plain text.
      const name = userText(raw, MAX_DISPLAY_NAME);
      const label = displayName(raw) ?? '';
      return {
        name: u.aadObjectId === data.me ? t(language, 'enrollment:users.you', { name }) : name,
        email: userText(u.email ?? '', MAX_EMAIL),
        inputId: rolesInputId(u.aadObjectId),
        rolesLabel: t(language, 'enrollment:users.rolesLabel', { name: label }),
        value: u.roles.join(','),
        choices,
        verb: Verbs.usersUpdateRoles,
        saveTitle: t(language, 'enrollment:users.save'),
        userId: u.aadObjectId,
        // A Save answers with the list again: on the page it was clicked on.
        page,
      };
    }),
    pageText:
      pages > 1
        ? t(language, 'enrollment:users.page', {
            page: page + 1,
            pages,
            total: data.users.length,
          })
        : '',
    pageVerb: Verbs.usersPage,
    pageActions: [
      ...(page > 0 ? [pageButton(page - 1, 'enrollment:users.previous')] : []),
      ...(page < pages - 1 ? [pageButton(page + 1, 'enrollment:users.next')] : []),
    ],
    emptyText: data.users.length <= 1 ? t(language, 'enrollment:users.empty') : '',
  });
}

/** Longest address shown (RFC 5321 allows 254). */
const MAX_EMAIL = 254;

export const samples: readonly UsersCardData[] = [
  {
    me: 'u1',
    users: [
      {
        aadObjectId: 'u1',
        name: 'Anna Schmidt',
        email: 'anna@contoso.example',
        roles: ['globalAdmin', 'adminAgent'],
      },
      { aadObjectId: 'u2', name: 'Boris Ivanov', roles: [] },
    ],
    notice: { text: 'Roles of Boris Ivanov saved: none.' },
  },
  { me: 'u1', users: [{ aadObjectId: 'u1', name: 'Anna Schmidt', roles: ['globalAdmin'] }] },
];
