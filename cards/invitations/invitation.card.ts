import template from './invitation.card.json' with { type: 'json' };
import {
  invitationActions,
  whoActsNext,
  type InvitationAction,
  type InvitationState,
} from '../../domain/invitations/invitation.js';
import { t, type Language } from '../../i18n/i18n.js';
import { dayText } from '../relationships/relationship-text.js';
import { backToList, listFields, type ListContext } from '../shared/list-context.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';

export interface InvitationCardData {
  readonly invitationRef: string;
  readonly state: InvitationState;
  readonly company: string;
  readonly reseller: string;
  readonly provider?: string;
  readonly note?: string;
  readonly expiresAt: Date;
  /** Who decided or revoked, and when (for the status line). */
  readonly lastBy?: string;
  readonly lastAt?: Date;
  /** The customer's card carries Accept / Decline; the reseller's Revoke / Resend. */
  readonly viewer: 'customer' | 'partner';
  /** The partner viewer may manage invitations (Revoke, Resend). */
  readonly canManage?: boolean;
  /** Revoked by the system because the reseller's relationship with the provider ended. */
  readonly revokedWithRelationship?: boolean;
  /**
   * Opened from this page (filter, search) of the `invitations` list: buttons keep it, Back to
   * list shows it.
   */
  readonly list?: ListContext;
  /** Revoke's first click: what revoking does, and a second button to mean it (as End). */
  readonly confirmRevoke?: boolean;
}

const VERBS: Record<InvitationAction, string> = {
  accept: Verbs.invitationAccept,
  decline: Verbs.invitationDecline,
  resend: Verbs.invitationResend,
  revoke: Verbs.invitationRevoke,
};

const STYLES: Record<InvitationAction, string> = {
  accept: 'positive',
  decline: 'destructive',
  resend: 'default',
  revoke: 'destructive',
};

const COLORS: Record<InvitationState, string> = {
  // Accent and Warning text are below 4.5:1 on white in the Playground's (and Teams') light
  // colours: the state's words say pending or expired, in the default colour.
  pending: 'Default',
  accepted: 'Good',
  declined: 'Attention',
  expired: 'Default',
  revoked: 'Attention',
};

/**
 * An invitation as its card shows it: who invites, with which provider, what each may do,
 * until when, its state; Accept / Decline for the customer while pending.
 */
export function render(data: InvitationCardData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:card.${key}`, values);
  const reseller = userText(data.reseller);
  const provider = data.provider ? userText(data.provider) : undefined;
  const date = dayText(
    language,
    data.state === 'pending' || data.state === 'expired'
      ? data.expiresAt
      : (data.lastAt ?? data.expiresAt)
  );
  const company = userText(data.company);
  const forPartner = data.viewer === 'partner' ? '_partner' : '';
  // What this copy's viewer may do is the invitation's rule; the card only draws the buttons.
  const allowed = invitationActions(data.state, { side: data.viewer, mayManage: !!data.canManage });
  const buttons = allowed.map((action) => ({
    verb: VERBS[action],
    title: tr(action),
    style: STYLES[action],
  }));
  // The partners' copy always offers the audit trail.
  const confirming = !!data.confirmRevoke && allowed.includes('revoke');
  const withHistory = confirming
    ? [
        { verb: Verbs.invitationRevoke, title: tr('confirmRevokeButton'), style: 'destructive' },
        { verb: Verbs.invitationView, title: tr('back'), style: 'default' },
      ]
    : data.viewer === 'partner'
      ? [...buttons, { verb: Verbs.invitationHistory, title: tr('history'), style: 'default' }]
      : buttons;
  const listed = data.list && data.viewer === 'partner' ? data.list : undefined;
  const context = listed ? { page: String(listed.page), ...listFields(listed) } : {};
  const actions = [
    ...withHistory.map((b) => ({
      ...b,
      data: {
        invitationRef: data.invitationRef,
        ...context,
        ...(confirming && b.verb === Verbs.invitationRevoke ? { confirmed: 'yes' } : {}),
      },
    })),
    ...(listed && !confirming
      ? [{ ...backToList(listed), title: tr('backToList'), style: 'default' }]
      : []),
  ];
  return renderCard(template, {
    invitationRef: data.invitationRef,
    title: tr('title', { company: userText(data.company) }),
    // The customer is never told it is "waiting for the customer", nor the partners that the
    // reseller may manage "your" subscriptions: each copy speaks to its viewer.
    status: data.revokedWithRelationship
      ? tr('status_revokedWithRelationship', { date, reseller, provider: provider ?? '' })
      : tr(`status_${data.state}${whoActsNext(data.state) === data.viewer ? '_customer' : ''}`, {
          name: userText(data.lastBy ?? ''),
          date,
        }),
    statusColor: COLORS[data.state],
    facts: [
      { title: tr('reseller'), value: reseller },
      { title: tr('provider'), value: provider ?? tr('providerNone') },
      { title: tr('expires'), value: dayText(language, data.expiresAt) },
      { title: tr('state'), value: t(language, `invitations:states.${data.state}`) },
    ],
    accessLines: [
      { access: tr(`resellerAccess${forPartner}`, { reseller, company }) },
      ...(provider
        ? [{ access: tr(`providerAccess${forPartner}`, { provider, reseller, company }) }]
        : []),
    ],
    note: data.note ? `${tr('note')}: ${userText(data.note)}` : '',
    // Said where the button is: the customer's admin is never sent more than a mail an hour.
    resendRule: !confirming && allowed.includes('resend') ? tr('resendRule') : '',
    confirmTitle: confirming ? tr('confirmRevokeTitle', { company }) : '',
    confirmText: confirming ? tr('confirmRevoke', { company }) : '',
    buttons: actions,
  });
}

const base = {
  invitationRef: '6561b0f0a1b2c3d4e5f60718',
  company: 'Northwind Traders',
  reseller: 'Contoso Reseller',
  provider: 'Fabrikam Distribution',
  note: 'As discussed.',
  expiresAt: new Date('2026-12-31T09:00:00Z'),
};

export const samples: readonly InvitationCardData[] = [
  { ...base, state: 'pending', viewer: 'customer' },
  { ...base, state: 'pending', viewer: 'partner', canManage: true },
  {
    ...base,
    state: 'accepted',
    viewer: 'partner',
    lastBy: 'Carla',
    lastAt: new Date('2026-12-02T09:00:00Z'),
  },
  { ...base, provider: undefined, state: 'expired', viewer: 'partner', canManage: true },
  {
    ...base,
    state: 'revoked',
    viewer: 'partner',
    lastAt: new Date('2026-12-03T09:00:00Z'),
    revokedWithRelationship: true,
  },
  {
    ...base,
    state: 'pending',
    viewer: 'partner',
    canManage: true,
    list: { list: 'invitations', page: 1, filter: 'pending', text: 'North' },
  },
  { ...base, state: 'pending', viewer: 'partner', canManage: true, confirmRevoke: true },
];
