import template from './invitation-history.card.json' with { type: 'json' };
import type { InvitationEvent } from '../../domain/invitations/invitation.js';
import { t, type Language } from '../../i18n/i18n.js';
import { byText, dayText } from '../relationships/relationship-text.js';
import { listFields, type ListContext } from '../shared/list-context.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';

export interface InvitationHistoryData {
  readonly invitationRef: string;
  readonly company: string;
  readonly history: readonly InvitationEvent[];
  /** The list page the invitation was opened from: Back goes to its card, which keeps it. */
  readonly list?: ListContext;
}

/** An invitation's audit trail: every transition, who made it and when (as relationships'). */
export function render(data: InvitationHistoryData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:history.${key}`, values);
  const state = (s: string) => t(language, `invitations:states.${s}`);
  const lines = data.history.map((e) => {
    const values = { date: dayText(language, e.at), name: byText(language, e.by) };
    if (e.from === null) return { text: tr('created', values) };
    if (e.note === 'resent') return { text: tr('resent', values) };
    return { text: tr('moved', { ...values, from: state(e.from), to: state(e.to) }) };
  });
  return renderCard(template, {
    title: tr('title', { company: userText(data.company) }),
    lines,
    backVerb: Verbs.invitationView,
    backTitle: t(language, 'relationships:card.back'),
    backData: {
      invitationRef: data.invitationRef,
      ...(data.list ? { page: String(data.list.page), ...listFields(data.list) } : {}),
    },
  });
}

export const samples: readonly InvitationHistoryData[] = [
  {
    invitationRef: '6561b0f0a1b2c3d4e5f60718',
    company: 'Northwind Traders',
    history: [
      {
        at: new Date('2026-12-01T09:00:00Z'),
        by: { tenantId: 't', aadObjectId: 'a', name: 'Anna Petrova' },
        from: null,
        to: 'pending',
      },
      {
        at: new Date('2026-12-02T09:00:00Z'),
        by: { tenantId: 'c', aadObjectId: 'b', name: 'Olga Ivanova' },
        from: 'pending',
        to: 'accepted',
      },
    ],
  },
];
