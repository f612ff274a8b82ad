import template from './relationship.card.json' with { type: 'json' };
import type { Partner } from '../../domain/partners/partner.js';
import {
  AUTO_EXTEND_DAYS,
  DEFAULT_DURATION_DAYS,
  MAX_DURATION_DAYS,
  REMINDER_DAYS,
} from '../../domain/relationships/access-grant.js';
import type { Extension } from '../../domain/relationships/extension.js';
import {
  availableActions,
  awaitsAnswer,
  consentRequired,
  decidingSide,
  isActive,
  isOpen,
  MAX_REASON_LENGTH,
  RISKY_ROLE,
  waitingChange,
  type Relationship,
  type RelationshipAction,
} from '../../domain/relationships/relationship.js';
import type { RelationshipView } from '../../domain/relationships/relationship.service.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { backToList, listFields, type ListContext } from '../shared/list-context.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { approvalFor, gdapLine } from '../gdap/gdap-text.js';
import { byText, dayText, lastEventText, roleChoices, rolesText } from './relationship-text.js';

export interface RelationshipCardData {
  readonly view: RelationshipView;
  /** Whether the viewer may act (Global admin or Admin agent of their side). */
  readonly canManage: boolean;
  /** The End button's confirmation step. */
  readonly confirmEnd?: boolean;
  /** The Extend button's confirmation step: the extension as it would apply (issue 27). */
  readonly confirmExtend?: Extension;
  /** The Decline button's step: an optional reason, then Yes, decline. */
  readonly confirmDecline?: boolean;
  /** The list it was opened from: every button keeps it, and Back to list shows that page. */
  readonly list?: ListContext;
}

interface CardButton {
  verb: string;
  title: string;
  style: 'default' | 'positive' | 'destructive';
  data: Record<string, string>;
}

const STATE_STYLES: Record<Relationship['state'], string> = {
  pending: 'accent',
  active: 'good',
  declined: 'attention',
  expired: 'warning',
  withdrawn: 'default',
  ended: 'default',
};

/**
 * One relationship as one side sees it: both partners, the access granted, its dates, what
 * happened last, and the buttons that fit its state and the viewer's side. Every copy of it
 * (each admin's, both sides') is re-rendered from this after each transition.
 */
export function render(data: RelationshipCardData, language: Language): AdaptiveCardJson {
  const { relationship: r, side, provider, reseller } = data.view;
  const names = { provider: userText(provider.legalName), reseller: userText(reseller.legalName) };
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:${key}`, { ...names, ...values });
  const last = r.history[r.history.length - 1];
  const decider = decidingSide(r);
  // The side that decides is told it is its turn, not "Waiting for <its own name>".
  const stateLine = awaitsAnswer(r)
    ? tr(side === decider ? 'card.waiting_own' : `card.waiting_${decider}`)
    : last
      ? lastEventText(language, last)
      : tr(`states.${r.state}`);
  const confirming = !!data.confirmEnd || !!data.confirmExtend || !!data.confirmDecline;
  // The domain says what this viewer may do now; a confirmation step shows only its own buttons.
  const may = availableActions(
    r,
    { side, manages: data.canManage && !confirming },
    data.view.extendRoom
  );
  const change = waitingChange(r);
  const button = (
    verb: string,
    title: string,
    style: CardButton['style'] = 'default',
    extra: Record<string, string> = {}
  ): CardButton => ({
    verb,
    title,
    style,
    data: { relationshipRef: r.id, confirmed: '', ...listFields(data.list), ...extra },
  });
  const autoText = (on: boolean) => tr(on ? 'card.autoExtend_on' : 'card.autoExtend_off');
  // The waiting change the Authorize / Decline change buttons name: a newer one is not
  // answered unseen.
  const at: Record<string, string> = change ? { change: new Date(change.at).toISOString() } : {};
  const buttons: Record<RelationshipAction, () => CardButton> = {
    authorize: () =>
      button(
        Verbs.relationshipAuthorize,
        tr(side === 'reseller' ? 'card.authorizeProvider' : 'card.authorize'),
        'positive'
      ),
    decline: () => button(Verbs.relationshipDecline, tr('card.decline'), 'destructive'),
    withdraw: () => button(Verbs.relationshipWithdraw, tr('card.withdraw'), 'destructive'),
    resend: () => button(Verbs.relationshipResend, tr('card.resend')),
    authorizeChange: () =>
      button(Verbs.relationshipAuthorizeChange, tr('card.authorizeChange'), 'positive', at),
    declineChange: () =>
      button(Verbs.relationshipDeclineChange, tr('card.declineChange'), 'destructive', at),
    extend: () => button(Verbs.relationshipExtend, tr('card.extend'), 'positive'),
    autoExtendOn: () => button(Verbs.relationshipAutoExtend, tr('card.autoExtendOn')),
    end: () => button(Verbs.relationshipEnd, tr('card.end'), 'destructive'),
  };
  const actions: CardButton[] = may.map((action) => buttons[action]());
  const canExtend = may.includes('extend');
  const x = data.confirmExtend;
  if (data.confirmDecline) {
    actions.push(
      button(Verbs.relationshipDecline, tr('card.confirmDeclineButton'), 'destructive', {
        confirmed: 'yes',
      }),
      button(Verbs.relationshipView, tr('card.back'))
    );
  } else if (data.confirmEnd) {
    actions.push(
      button(Verbs.relationshipEnd, tr('card.confirmEndButton'), 'destructive', {
        confirmed: 'yes',
      }),
      button(Verbs.relationshipView, tr('card.back'))
    );
  } else if (x) {
    actions.push(
      button(
        Verbs.relationshipExtend,
        tr(x.asks ? 'card.confirmExtendAsk' : 'card.confirmExtendButton'),
        'positive',
        {
          confirmed: 'yes',
          durationDays: String(x.days),
          roles: x.grant.roles.join(','),
          endsAt: new Date(x.from).toISOString(),
        }
      ),
      button(Verbs.relationshipView, tr('card.back'))
    );
  } else {
    if (isActive(r)) {
      actions.push(button(Verbs.relationshipCustomers, tr('card.customers')));
    }
    actions.push(button(Verbs.relationshipHistory, tr('card.history')));
  }

  const facts = [
    { title: tr('card.provider'), value: `${names.provider} (${userText(provider.partnerId)})` },
    { title: tr('card.reseller'), value: `${names.reseller} (${userText(reseller.partnerId)})` },
    { title: tr('card.state'), value: tr(`states.${r.state}`) },
    { title: tr('card.roles'), value: rolesText(language, r.grant.roles) },
    { title: tr('card.duration'), value: tr('card.days', { count: r.grant.durationDays }) },
    { title: tr('card.requested'), value: dayText(language, r.requestedAt) },
    ...(r.activeSince
      ? [{ title: tr('card.since'), value: dayText(language, r.activeSince) }]
      : []),
    ...(isOpen(r)
      ? [
          {
            title: tr(r.state === 'pending' ? 'card.lapses' : 'card.expires'),
            value: dayText(language, r.expiresAt),
          },
        ]
      : []),
    {
      title: tr('card.autoExtend'),
      value: tr(r.grant.autoExtend ? 'card.autoExtend_on' : 'card.autoExtend_off'),
    },
    // Beside the product's state, Microsoft's (or "recorded here only"): drift is shown.
    ...(data.view.gdap
      ? [{ title: t(language, 'gdap:card.fact'), value: gdapLine(language, data.view.gdap) }]
      : []),
  ];
  const approve = approvalFor(data.view.gdap, side);
  const other = side === 'provider' ? names.reseller : names.provider;
  const confirm = data.confirmDecline
    ? {
        title: tr('card.confirmDeclineTitle', { other }),
        text: tr('card.confirmDecline', { other }),
        rule: '',
      }
    : data.confirmEnd
      ? { title: tr('card.confirmEndTitle', { other }), text: tr('card.confirmEnd'), rule: '' }
      : x
        ? {
            title: tr('card.confirmExtendTitle', { to: dayText(language, x.to) }),
            text: tr('card.confirmExtend', {
              from: dayText(language, x.from),
              to: dayText(language, x.to),
              count: x.days,
              roles: rolesText(language, x.grant.roles),
              auto: autoText(x.grant.autoExtend),
            }),
            rule: tr(x.asks ? 'card.consentRule_asks' : 'card.consentRule_applies'),
          }
        : { title: '', text: '', rule: '' };
  // Who must consent, said where the buttons are (issues 26.2 and 26.3): End stands on active
  // access, Resend on the request of the side that asked.
  const rule = may.includes('end')
    ? tr(`card.consentRule_${side}`)
    : may.includes('resend')
      ? tr('card.resendRule', { other })
      : '';
  const changeLines = change
    ? [
        tr('card.changeAsked', {
          name: byText(language, change.by),
          date: dayText(language, change.at),
        }),
        tr('card.changeEnds', {
          from: dayText(language, change.fromExpiresAt),
          to: dayText(language, change.expiresAt),
        }),
        tr('card.changeRoles', { roles: rolesText(language, change.grant.roles) }),
        tr('card.changeAutoExtend', { auto: autoText(change.grant.autoExtend) }),
        ...(side === 'provider' ? [tr('card.changeWaits')] : []),
      ].map((text) => ({ text }))
    : [];
  return renderCard(template, {
    title: tr('card.title'),
    summary: tr(`card.summary_${r.initiatedBy}`),
    stateLine,
    stateStyle: STATE_STYLES[r.state],
    facts,
    grants: tr('card.grants'),
    risky: r.grant.roles.includes(RISKY_ROLE) ? tr('card.risky') : '',
    rule,
    changeTitle: change && !confirming ? tr('card.changeTitle') : '',
    changeLines,
    confirming,
    backToList: data.list && !confirming ? [backButton(data.list, tr('card.backToList'))] : [],
    gdapApproveWhy: approve ? t(language, 'gdap:card.approveWhy') : '',
    gdapApprove: approve ? [{ title: t(language, 'gdap:card.approve'), url: approve }] : [],
    reasonLine:
      r.state === 'declined' && last?.to === 'declined' && last.reason
        ? tr('card.declineReason', { reason: userText(last.reason) })
        : '',
    showReason: !!data.confirmDecline,
    reasonLabel: tr('card.reasonLabel', { max: MAX_REASON_LENGTH }),
    reasonMax: MAX_REASON_LENGTH,
    confirmTitle: confirm.title,
    confirmText: confirm.text,
    confirmRule: confirm.rule,
    showExtend: canExtend,
    extendDaysLabel: tr('card.extendDays', { max: data.view.extendRoom, limit: MAX_DURATION_DAYS }),
    extendMax: Math.max(1, data.view.extendRoom),
    // The server's range message (planExtension), for Teams' own check of min and max.
    extendError: tr('errors.extendRange', {
      min: 1,
      max: Math.max(1, data.view.extendRoom),
      limit: MAX_DURATION_DAYS,
    }),
    extendDays: Math.max(1, Math.min(AUTO_EXTEND_DAYS, data.view.extendRoom)),
    // Either side may name the roles after an extension; more than today need the reseller.
    showRoles: canExtend,
    rolesLabel: tr('card.extendRoles'),
    rolesValue: r.grant.roles.join(','),
    roleChoices: roleChoices(language),
    showConsent:
      (may.includes('authorize') && consentRequired(side, 'authorize')) ||
      (may.includes('authorizeChange') && consentRequired(side, 'authorizeChange')) ||
      (!!x && !x.asks && consentRequired(side, 'extend', x.widens)),
    consentLabel: tr('card.consent'),
    actions,
  });
}

const backButton = (list: ListContext, title: string) => ({ ...backToList(list), title });

const partner = (over: Partial<Partner>): Partner =>
  ({
    id: '6740a1b2c3d4e5f601234567',
    tenantId: '11111111-1111-1111-1111-111111111111',
    status: 'approved',
    partnerType: 'reseller',
    tenantCountry: 'DE',
    partnerId: '1234567',
    locationCountry: 'DE',
    legalName: 'Contoso GmbH',
    ...over,
  }) as Partner;

const at = new Date('2026-12-01T09:00:00Z');
const base: Relationship = {
  id: '6740a1b2c3d4e5f601234999',
  providerRef: 'p',
  resellerRef: 'r',
  state: 'pending',
  initiatedBy: 'reseller',
  grant: {
    roles: ['globalReader', 'userAdministrator'],
    durationDays: DEFAULT_DURATION_DAYS,
    autoExtend: true,
  },
  requestedAt: at,
  expiresAt: new Date(at.getTime() + REMINDER_DAYS[0] * 86_400_000),
  history: [
    {
      at,
      by: { tenantId: 't', aadObjectId: 'a', name: 'Anna Petrova' },
      from: null,
      to: 'pending',
      roles: ['globalReader', 'userAdministrator'],
    },
  ],
};
const authorized = {
  at,
  by: { tenantId: 't', aadObjectId: 'b', name: 'Boris Ivanov' },
  from: 'pending' as const,
  to: 'active' as const,
  roles: base.grant.roles,
};
function authorizedBy() {
  return {
    at,
    by: { tenantId: 't', aadObjectId: 'b', name: 'Boris Ivanov' },
    from: 'pending' as const,
    roles: base.grant.roles,
  };
}
const views = (relationship: Relationship, side: 'provider' | 'reseller'): RelationshipView => ({
  relationship,
  side,
  extendRoom: 365,
  provider: partner({
    partnerType: 'provider',
    legalName: 'Fabrikam Distribution',
    partnerId: '7654321',
  }),
  reseller: partner({}),
});

export const samples: readonly RelationshipCardData[] = [
  { view: views(base, 'provider'), canManage: true },
  { view: views(base, 'reseller'), canManage: true },
  {
    view: views(
      {
        ...base,
        state: 'active',
        activeSince: at,
        grant: { roles: ['globalAdministrator'], durationDays: 90, autoExtend: false },
        history: [
          ...base.history,
          {
            at,
            by: { tenantId: 't', aadObjectId: 'b', name: 'Boris Ivanov' },
            from: 'pending',
            to: 'active',
            roles: ['globalAdministrator'],
          },
        ],
      },
      'reseller'
    ),
    canManage: true,
  },
  {
    view: views({ ...base, state: 'active', activeSince: at }, 'provider'),
    canManage: true,
    confirmEnd: true,
  },
  { view: views({ ...base, state: 'ended' }, 'provider'), canManage: false },
  // Its GDAP relationship waits for the reseller's Global Administrator in the admin center.
  {
    view: {
      ...views({ ...base, state: 'active', activeSince: at }, 'reseller'),
      gdap: { graphId: 'g1', status: 'approvalPending' },
    },
    canManage: true,
  },
  { view: views(base, 'provider'), canManage: true, confirmDecline: true },
  {
    view: views(
      {
        ...base,
        state: 'declined',
        history: [
          ...base.history,
          { ...authorizedBy(), to: 'declined' as const, reason: 'We do not serve this region.' },
        ],
      },
      'reseller'
    ),
    canManage: true,
  },
  // A change the provider asked for, as the reseller (who decides) and the provider see it.
  ...(['reseller', 'provider'] as const).map((side) => ({
    view: views(
      {
        ...base,
        state: 'active' as const,
        activeSince: at,
        grant: { ...base.grant, autoExtend: false },
        history: [...base.history, { ...authorized, at, note: 'changeRequested' as const }],
        pendingChange: {
          grant: base.grant,
          expiresAt: new Date(base.expiresAt.getTime() + 365 * 86_400_000),
          fromExpiresAt: base.expiresAt,
          by: { tenantId: 't', aadObjectId: 'b', name: 'Boris Ivanov' },
          at,
        },
      },
      side
    ),
    canManage: true,
  })),
  // The Extend confirmation: the provider's asks the reseller, the reseller's applies.
  ...(['provider', 'reseller'] as const).map((side) => ({
    view: views(
      {
        ...base,
        state: 'active' as const,
        activeSince: at,
        history: [...base.history, authorized],
      },
      side
    ),
    canManage: true,
    confirmExtend: {
      days: 200,
      from: base.expiresAt,
      to: new Date(base.expiresAt.getTime() + 200 * 86_400_000),
      grant: { ...base.grant, roles: [...base.grant.roles, 'licenseAdministrator' as const] },
      widens: true,
      asks: side === 'provider',
    },
  })),
];
