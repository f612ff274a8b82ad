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
}

/** The input id holding one user's roles (the Save button names the user; inputs are all sent). */
export function rolesInputId(aadObjectId: string): string {
  return `roles-${aadObjectId}`;
}

/** The tenant's users with a multi-select of roles and a Save button each (Global admin only). */
export function render(data: UsersCardData, language: Language): AdaptiveCardJson {
  const choices = ROLES.map((r) => ({ title: t(language, `enrollment:roles.${r}`), value: r }));
  return renderCard(template, {
    title: t(language, 'enrollment:users.title'),
    intro: t(language, 'enrollment:users.intro'),
    notice: data.notice?.text ?? '',
    noticeColor: data.notice?.isError ? 'attention' : 'good',
    users: data.users.map((u) => {
      const raw = u.name ?? u.email ?? u.aadObjectId;
      // TextBlocks render markdown; an input's label is plain text.
      const name = userText(raw, MAX_DISPLAY_NAME);
      const label = displayName(raw) ?? '';
      return {
        name: u.aadObjectId === data.me ? t(language, 'enrollment:users.you', { name }) : name,
        email: userText(u.email ?? ''),
        inputId: rolesInputId(u.aadObjectId),
        rolesLabel: t(language, 'enrollment:users.rolesLabel', { name: label }),
        value: u.roles.join(','),
        choices,
        verb: Verbs.usersUpdateRoles,
        saveTitle: t(language, 'enrollment:users.save'),
        userId: u.aadObjectId,
      };
    }),
    emptyText: data.users.length <= 1 ? t(language, 'enrollment:users.empty') : '',
  });
}

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
