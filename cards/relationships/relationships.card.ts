import template from './relationships.card.json' with { type: 'json' };
import type { Partner } from '../../domain/partners/partner.js';
import {
  availableActions,
  type Relationship,
  type RelationshipAction,
} from '../../domain/relationships/relationship.js';
import {
  EXPIRING_SOON_DAYS,
  LIST_FILTERS,
  type ListFilter,
  type Page,
  type RelationshipView,
} from '../../domain/relationships/relationship.service.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { listFields, type ListContext } from '../shared/list-context.js';
import { plainText, userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { pagingOf } from './paging.js';
import { dayText, rolesText } from './relationship-text.js';

export interface RelationshipsCardData {
  readonly page: Page<RelationshipView>;
  /** The viewer's side: a reseller sees its Indirect providers, a provider its Indirect resellers. */
  readonly side: 'provider' | 'reseller';
  readonly expiringSoon: boolean;
  /** The state filter shown (default `all`: active first), and the search typed. */
  readonly filter?: ListFilter;
  readonly text?: string;
  readonly canManage: boolean;
  /** How many active relationships a bulk change would touch (providers only). */
  readonly bulkCount: number;
  /** A provider's invitations to resellers not enrolled yet (newest first). */
  readonly waiting?: readonly WaitingInvitation[];
  /** The waiting invitation whose Revoke was clicked once: it asks to confirm. */
  readonly confirmRevoke?: string;
}

/** An invitation no reseller has accepted yet, as the provider's list shows it. */
export interface WaitingInvitation {
  readonly id: string;
  readonly email: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

const COLORS: Record<Relationship['state'], string> = {
  // Accent and Warning text are below 4.5:1 on white in the Playground's (and Teams') light
  // colours: the state's words say pending or expired, in the default colour.
  pending: 'Default',
  active: 'Good',
  declined: 'Attention',
  expired: 'Default',
  withdrawn: 'Default',
  ended: 'Default',
};

/** The actions a row offers itself (the rest open the relationship's card), with their button. */
const ROW_ACTIONS: Partial<Record<RelationshipAction, { verb: string; title: string }>> = {
  withdraw: { verb: Verbs.relationshipWithdraw, title: 'card.withdraw' },
  resend: { verb: Verbs.relationshipResend, title: 'card.resend' },
  end: { verb: Verbs.relationshipEnd, title: 'card.end' },
};

/**
 * Partner Center's Indirect providers / Indirect resellers page as a card: one row per
 * relationship (the other partner, state, roles, dates) with the actions its state allows,
 * paged, an Expiring soon filter, and for providers a change to many at once (no cap).
 */
export function render(data: RelationshipsCardData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:${key}`, values);
  // Each row's buttons open a detail card that can come back to this very page and filter.
  const filter: ListFilter = data.expiringSoon ? 'expiringSoon' : (data.filter ?? 'all');
  const text = plainText(data.text ?? '').slice(0, 100);
  const list: ListContext = { list: 'relationships', page: data.page.page, filter, text };
  const rows = data.page.items.map(({ relationship: r, provider, reseller, extendRoom }) => {
    const other = data.side === 'provider' ? reseller : provider;
    const dates =
      r.state === 'active'
        ? tr('page.rowDates', {
            since: dayText(language, r.activeSince ?? r.requestedAt),
            expires: dayText(language, r.expiresAt),
          })
        : r.state === 'pending'
          ? tr('page.rowPending', {
              requested: dayText(language, r.requestedAt),
              expires: dayText(language, r.expiresAt),
            })
          : tr('page.rowClosed', { requested: dayText(language, r.requestedAt) });
    const actions: { verb: string; title: string }[] = [
      { verb: Verbs.relationshipView, title: tr('card.open') },
    ];
    // A row has room for the quick ones only; the rest are on the relationship's own card.
    const may = availableActions(r, { side: data.side, manages: data.canManage }, extendRoom);
    for (const action of may) {
      const quick = ROW_ACTIONS[action];
      if (quick) actions.push({ verb: quick.verb, title: tr(quick.title) });
    }
    actions.push({ verb: Verbs.relationshipHistory, title: tr('card.history') });
    return {
      name: `${userText(other.legalName)} (${userText(other.partnerId)})`,
      line: tr('page.row', {
        state: tr(`states.${r.state}`),
        roles: rolesText(language, r.grant.roles),
      }),
      color: COLORS[r.state],
      dates,
      actions: actions.map((a) => ({
        ...a,
        data: { relationshipRef: r.id, confirmed: '', ...listFields(list) },
      })),
    };
  });
  const soon = data.expiringSoon ? 'true' : 'false';
  return renderCard(template, {
    title: tr(`page.title_${data.side}`),
    pageVerb: Verbs.relationshipsPage,
    filters: LIST_FILTERS.map((f) => ({
      title: tr(f === 'all' || f === 'expiringSoon' ? `page.${f}` : `page.filter_${f}`),
      filter: f,
      style: f === filter ? 'positive' : 'default',
    })),
    filter,
    text,
    searchLabel: tr('page.search'),
    searchPlaceholder: tr('page.searchPlaceholder'),
    searchTitle: tr('directory.searchButton'),
    intro: data.expiringSoon ? tr('page.intro_expiringSoon', { days: EXPIRING_SOON_DAYS }) : '',
    none: rows.length
      ? ''
      : text
        ? tr('page.none_text', { text: userText(text) })
        : filter !== 'all' && filter !== 'expiringSoon'
          ? tr('page.none_filter')
          : data.expiringSoon
            ? tr('page.none_expiringSoon', { days: EXPIRING_SOON_DAYS })
            : tr(`page.none_${data.side}`),
    rows,
    expiringSoon: soon,
    ...pagingOf(language, data.page),
    bulk: data.side === 'provider' && data.canManage && data.bulkCount > 0,
    bulkTitle: tr('page.bulkTitle'),
    bulkDaysLabel: tr('page.bulkDays'),
    bulkVerb: Verbs.relationshipsBulk,
    bulkExtendTitle: tr('page.bulkExtend', { count: data.bulkCount }),
    bulkAutoExtendTitle: tr('page.bulkAutoExtend', { count: data.bulkCount }),
    waitingTitle: tr('waiting.title'),
    waiting: (data.waiting ?? []).map((w) => {
      const confirming = data.confirmRevoke === w.id;
      const button = (verb: string, title: string, extra: Record<string, string> = {}) => ({
        verb,
        title,
        data: { invitationRef: w.id, confirmed: '', ...extra },
      });
      return {
        email: userText(w.email),
        line: confirming
          ? tr('waiting.confirmRevoke', { email: userText(w.email) })
          : tr('waiting.row', {
              sent: dayText(language, w.createdAt),
              expires: dayText(language, w.expiresAt),
            }),
        color: confirming ? 'Attention' : 'Default',
        buttons: !data.canManage
          ? []
          : confirming
            ? [
                button(Verbs.resellerInvitationRevoke, tr('waiting.confirmRevokeButton'), {
                  confirmed: 'yes',
                }),
                { verb: Verbs.relationshipsPage, title: tr('card.back'), data: { page: '0' } },
              ]
            : [
                button(Verbs.resellerInvitationResend, tr('card.resend')),
                button(Verbs.resellerInvitationRevoke, tr('waiting.revoke')),
              ],
      };
    }),
    nextStepTitle: data.side === 'reseller' ? tr('page.find') : tr('page.invite'),
    nextStepCommand: data.side === 'reseller' ? 'directory' : 'invite reseller',
  });
}

const partner = (over: Partial<Partner>): Partner =>
  ({
    id: '6740a1b2c3d4e5f601234567',
    status: 'approved',
    partnerType: 'reseller',
    tenantCountry: 'DE',
    partnerId: '1234567',
    legalName: 'Contoso GmbH',
    ...over,
  }) as Partner;
const at = new Date('2026-12-01T09:00:00Z');
const relationship: Relationship = {
  id: '6740a1b2c3d4e5f601234999',
  providerRef: 'p',
  resellerRef: 'r',
  state: 'active',
  initiatedBy: 'reseller',
  grant: { roles: ['globalReader'], durationDays: 730, autoExtend: false },
  requestedAt: at,
  activeSince: at,
  expiresAt: new Date(at.getTime() + 20 * 86_400_000),
  history: [],
};
const view = (r: Relationship, side: 'provider' | 'reseller'): RelationshipView => ({
  relationship: r,
  side,
  extendRoom: 365,
  provider: partner({ partnerType: 'provider', legalName: 'Fabrikam Distribution' }),
  reseller: partner({}),
});

export const samples: readonly RelationshipsCardData[] = [
  {
    page: {
      items: [
        view(relationship, 'provider'),
        view({ ...relationship, state: 'pending' }, 'provider'),
      ],
      total: 12,
      page: 0,
      pageCount: 3,
    },
    side: 'provider',
    expiringSoon: false,
    canManage: true,
    bulkCount: 7,
  },
  {
    page: { items: [], total: 0, page: 0, pageCount: 1 },
    side: 'reseller',
    expiringSoon: true,
    canManage: false,
    bulkCount: 0,
  },
];
