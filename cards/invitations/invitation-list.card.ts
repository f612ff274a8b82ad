import template from './invitation-list.card.json' with { type: 'json' };
import {
  invitationActions,
  INVITATION_LIST_FILTERS,
  type InvitationListFilter,
  type InvitationState,
} from '../../domain/invitations/invitation.js';
import { t, type Language } from '../../i18n/i18n.js';
import { dayText } from '../relationships/relationship-text.js';
import { listFields, type ListContext } from '../shared/list-context.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { plainText, userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';

export interface InvitationListData {
  readonly rows: readonly {
    readonly invitationRef: string;
    readonly company: string;
    readonly provider?: string;
    readonly state: InvitationState;
    readonly createdAt: Date;
    readonly expiresAt: Date;
    /** Who accepted it (the customer's admin), and when: the partner sees who said yes. */
    readonly acceptedBy?: string;
    readonly acceptedAt?: Date;
  }[];
  readonly page: number;
  readonly pageCount: number;
  readonly canManage: boolean;
  /** The state filter (default All) and the company-name search, kept by paging and Back. */
  readonly filter?: InvitationListFilter;
  readonly text?: string;
}

/** `invitations`: sent invitations with dates and state, Revoke / Resend, paged. */
export function render(data: InvitationListData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:list.${key}`, values);
  const card = (key: string) => t(language, `invitations:card.${key}`);
  const filter = data.filter ?? 'all';
  const text = plainText(data.text ?? '').slice(0, 100);
  // Each row's buttons open a card whose Back to list shows this very page, filter and search.
  const list: ListContext = { list: 'invitations', page: data.page, filter, text };
  const context = listFields(list);
  // The list is the partners' and each row offers what the invitation's rule allows them.
  const actionsOf = (state: InvitationState) =>
    invitationActions(state, { side: 'partner', mayManage: data.canManage });
  return renderCard(template, {
    title: tr('title'),
    pageVerb: Verbs.invitationsPage,
    filters: INVITATION_LIST_FILTERS.map((f) => ({
      title: tr(`filter_${f}`),
      filter: f,
      style: f === filter ? 'positive' : 'default',
    })),
    filter,
    text,
    searchLabel: tr('search'),
    searchPlaceholder: tr('searchPlaceholder'),
    searchTitle: tr('searchButton'),
    empty: data.rows.length
      ? ''
      : text
        ? tr('none_text', { text: userText(text) })
        : filter !== 'all'
          ? tr('none_filter')
          : tr('empty'),
    rows: data.rows.map((r) => ({
      heading: tr('row', {
        company: userText(r.company),
        state: t(language, `invitations:states.${r.state}`),
      }),
      detail: tr('detail', {
        created: dayText(language, r.createdAt),
        expires: dayText(language, r.expiresAt),
        provider: r.provider ? tr('detailProvider', { provider: userText(r.provider) }) : '',
      }),
      accepted:
        r.state === 'accepted' && r.acceptedAt
          ? tr('acceptedBy', {
              name: userText(r.acceptedBy ?? ''),
              date: dayText(language, r.acceptedAt),
            })
          : '',
      // Open first: the card it shows keeps this page for its Back to list.
      buttons: [
        {
          verb: Verbs.invitationView,
          title: card('open'),
          data: { invitationRef: r.invitationRef, page: String(data.page), ...context },
        },
        ...actionsOf(r.state).map((action) => ({
          verb: action === 'resend' ? Verbs.invitationResend : Verbs.invitationRevoke,
          title: card(action),
          data: { invitationRef: r.invitationRef, page: String(data.page), ...context },
        })),
      ],
    })),
    // Said where the buttons are: the customer's admin gets at most a mail an hour.
    resendRule: data.rows.some((r) => actionsOf(r.state).includes('resend'))
      ? card('resendRule')
      : '',
    pageLine:
      data.pageCount > 1 ? tr('pageOf', { page: data.page + 1, pages: data.pageCount }) : '',
    cleanUp: data.canManage ? [{ verb: Verbs.invitationsCleanUp, title: tr('cleanUp') }] : [],
    paging: [
      ...(data.page > 0
        ? [
            {
              verb: Verbs.invitationsPage,
              title: tr('previous'),
              data: { page: String(data.page - 1), filter, text },
            },
          ]
        : []),
      ...(data.page + 1 < data.pageCount
        ? [
            {
              verb: Verbs.invitationsPage,
              title: tr('next'),
              data: { page: String(data.page + 1), filter, text },
            },
          ]
        : []),
    ],
  });
}

export const samples: readonly InvitationListData[] = [
  { rows: [], page: 0, pageCount: 1, canManage: true },
  {
    rows: [
      {
        invitationRef: '6561b0f0a1b2c3d4e5f60718',
        company: 'Northwind Traders',
        provider: 'Fabrikam Distribution',
        state: 'pending',
        createdAt: new Date('2026-12-01T09:00:00Z'),
        expiresAt: new Date('2026-12-31T09:00:00Z'),
      },
      {
        invitationRef: '6561b0f0a1b2c3d4e5f60719',
        company: 'Tailspin Toys',
        state: 'accepted',
        acceptedBy: 'Carla Rossi',
        acceptedAt: new Date('2026-11-03T09:00:00Z'),
        createdAt: new Date('2026-11-01T09:00:00Z'),
        expiresAt: new Date('2026-12-01T09:00:00Z'),
      },
    ],
    page: 0,
    pageCount: 2,
    canManage: true,
  },
];
