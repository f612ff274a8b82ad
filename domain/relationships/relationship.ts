import type { PartnerRef, PersonRef } from '../partners/partner.js';

/**
 * Entra built-in roles a reseller may grant its provider on its tenant (delegated admin, as
 * GDAP does), least privilege first. Global Administrator is possible but is the risky one.
 */
export const ADMIN_ROLES = [
  'globalReader',
  'helpdeskAdministrator',
  'userAdministrator',
  'licenseAdministrator',
  'globalAdministrator',
] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The one role that takes over the reseller's tenant: never auto-extended. */
export const RISKY_ROLE: AdminRole = 'globalAdministrator';

/** pending -> active | declined | expired | withdrawn; active -> ended | expired. */
export const RELATIONSHIP_STATES = [
  'pending',
  'active',
  'declined',
  'expired',
  'withdrawn',
  'ended',
] as const;
export type RelationshipState = (typeof RELATIONSHIP_STATES)[number];

/** States a pair may have only one of at a time (a unique partial index in storage). */
export const OPEN_STATES: readonly RelationshipState[] = ['pending', 'active'];

/** What the provider is allowed, as the reseller consents to it. */
export interface AccessGrant {
  readonly roles: readonly AdminRole[];
  /** 1 to 730 days from authorization (GDAP's limits). */
  readonly durationDays: number;
  /** Adds 180 days at expiry; not with Global Administrator. */
  readonly autoExtend: boolean;
}

/** What happened to an active or pending relationship without a change of state. */
export type RelationshipNote =
  | 'autoExtended'
  | 'extended'
  | 'resent'
  | 'autoExtendOn'
  /** The provider asked for a longer end, more roles or auto-extend: the reseller decides. */
  | 'changeRequested'
  | 'changeAuthorized'
  | 'changeDeclined';

/** One step of a relationship's life, kept for `history`. */
export interface RelationshipEvent {
  readonly at: Date;
  readonly by: PersonRef | 'system';
  readonly from: RelationshipState | null;
  readonly to: RelationshipState;
  readonly roles: readonly AdminRole[];
  readonly note?: RelationshipNote;
  /** The end of access before and after an extension or a change (both kept, issue 27). */
  readonly fromExpiresAt?: Date;
  readonly toExpiresAt?: Date;
  /** Auto-extend after a change the provider asked for. */
  readonly autoExtend?: boolean;
  /** Why the deciding side declined, as typed (optional; shown to the side that asked). */
  readonly reason?: string;
}

/** The longest reason a Decline keeps (a card's text stays readable). */
export const MAX_REASON_LENGTH = 500;

/**
 * A change the provider asked for (a later end, more roles, auto-extend on) that waits for the
 * reseller's consent: nothing of it applies until one of the reseller's Global admins or Admin
 * agents authorizes it. A newer request from the provider replaces it.
 */
export interface PendingChange {
  /** The roles and auto-extend after the change. */
  readonly grant: AccessGrant;
  /** The end of access after the change (the current end when it does not extend). */
  readonly expiresAt: Date;
  /** The end of access when it was asked for: the change applies only while it still is. */
  readonly fromExpiresAt: Date;
  readonly by: PersonRef;
  readonly at: Date;
}

/** A provider-reseller relationship (Partner Center's Indirect providers / resellers pages). */
export interface Relationship {
  readonly id: string;
  readonly providerRef: PartnerRef;
  readonly resellerRef: PartnerRef;
  readonly state: RelationshipState;
  /** Who asked: the reseller (Request relationship) or the provider (invite reseller). */
  readonly initiatedBy: 'reseller' | 'provider';
  readonly grant: AccessGrant;
  readonly requestedAt: Date;
  /** When a pending request lapses (90 days), or when active access ends. */
  readonly expiresAt: Date;
  readonly activeSince?: Date;
  readonly history: readonly RelationshipEvent[];
  /** Stamped with each transition in the same update; cleared once its notices are enqueued. */
  readonly noticeOwedAt?: Date;
  /** Reminder thresholds (30, 7, 1 days before `expiresAt`) already sent for this expiry. */
  readonly remindedDays?: readonly number[];
  /** The provider's change waiting for the reseller's consent, if any. */
  readonly pendingChange?: PendingChange;
  /** The last Resend: at most one an hour (issue 26.3). */
  readonly lastResentAt?: Date;
}

export type NewRelationship = Omit<Relationship, 'id'>;

/** The two sides of a relationship. */
export type Side = 'provider' | 'reseller';

/**
 * What a viewer may do to a relationship, each one a card button today and an API operation
 * soon, in the order the card shows them.
 */
export const RELATIONSHIP_ACTIONS = [
  'authorize',
  'decline',
  'withdraw',
  'resend',
  'authorizeChange',
  'declineChange',
  'extend',
  'autoExtendOn',
  'end',
] as const;
export type RelationshipAction = (typeof RELATIONSHIP_ACTIONS)[number];

/**
 * Who looks at (or acts on) a relationship: the side their partner is on, and whether they may
 * manage relationships there (`can('relationships.manage', roles)`: Global admin or Admin agent).
 */
export interface RelationshipViewer {
  readonly side: Side;
  readonly manages: boolean;
}

/**
 * Whether the relationship is active: access granted and not yet ended or expired. Only then may
 * it be ended (End's first click asks to confirm only then), extended, changed or auto-extended,
 * and customers invited under it.
 */
export function isActive(r: Pick<Relationship, 'state'>): boolean {
  return r.state === 'active';
}

/** Still open (asked or granted): the one relationship a pair may have, with a date ahead. */
export function isOpen(r: Pick<Relationship, 'state'>): boolean {
  return OPEN_STATES.includes(r.state);
}

/** The side a partner is on in a relationship; undefined when it is neither (another pair's). */
export function sideOf(r: Relationship | null, partnerRef: PartnerRef): Side | undefined {
  if (r?.providerRef === partnerRef) return 'provider';
  if (r?.resellerRef === partnerRef) return 'reseller';
  return undefined;
}

/** The side that did not ask: it authorizes or declines the request. */
export function decidingSide(r: Pick<Relationship, 'initiatedBy'>): Side {
  return r.initiatedBy === 'reseller' ? 'provider' : 'reseller';
}

/** Whether `side` decides this relationship now: it is pending and the other side asked. */
export function decidesNow(r: Pick<Relationship, 'state' | 'initiatedBy'>, side: Side): boolean {
  return r.state === 'pending' && side === decidingSide(r);
}

/** Whether `side` asked: only it withdraws or resends its request. */
export function asked(r: Pick<Relationship, 'initiatedBy'>, side: Side): boolean {
  return side === r.initiatedBy;
}

/**
 * The side that answers a change the provider asked for: always the reseller, whose tenant the
 * access is to. The provider's own extensions and auto-extend wait for it (`changeAsks`).
 */
export const CHANGE_DECIDER: Side = 'reseller';

/** Whether a change (Extend, auto-extend) by `side` is a request the reseller must authorize. */
export function changeAsks(side: Side): boolean {
  return side !== CHANGE_DECIDER;
}

/** The provider's change still waiting for the reseller: only an active relationship has one. */
export function waitingChange(
  r: Pick<Relationship, 'state' | 'pendingChange'>
): PendingChange | undefined {
  return isActive(r) ? r.pendingChange : undefined;
}

/**
 * Whether `side` must tick consent to do `action`: the reseller, whenever it grants access to
 * its tenant (authorizing a request or a change, or an extension of its own with more roles).
 */
export function consentRequired(
  side: Side,
  action: 'authorize' | 'authorizeChange' | 'extend',
  widensRoles = false
): boolean {
  return side === 'reseller' && (action !== 'extend' || widensRoles);
}

/** Whether auto-extend may be on with these roles: never with Global Administrator. */
export function mayAutoExtend(grant: Pick<AccessGrant, 'roles'>): boolean {
  return !grant.roles.includes(RISKY_ROLE);
}

/**
 * Whether the request waits for an answer from the deciding side: just opened, or resent (a
 * request whose last event is anything else was already answered or moved).
 */
export function awaitsAnswer(r: Pick<Relationship, 'state' | 'history'>): boolean {
  const last = r.history[r.history.length - 1];
  return r.state === 'pending' && (!last || last.from === null || last.note === 'resent');
}

/**
 * Who acts next: the deciding side on a pending request, the reseller on an active one with
 * the provider's change waiting; nobody otherwise.
 */
export function actsNext(r: Relationship): Side | undefined {
  if (r.state === 'pending') return decidingSide(r);
  return waitingChange(r) ? CHANGE_DECIDER : undefined;
}

/**
 * What this viewer may do to the relationship now, in the card's order: Authorize / Decline
 * for the side that decides, Withdraw / Resend for the side that asked, the provider's waiting
 * change for the reseller to answer (first: it holds back Extend and auto-extend), and Extend
 * (while `extendRoom`, the days it may add, is left), auto-extend and End on active access.
 * Nothing for a viewer who may not manage relationships.
 */
export function availableActions(
  r: Relationship,
  viewer: RelationshipViewer,
  extendRoom: number
): RelationshipAction[] {
  if (!viewer.manages) return [];
  const { side } = viewer;
  if (r.state === 'pending') {
    return decidesNow(r, side) ? ['authorize', 'decline'] : ['withdraw', 'resend'];
  }
  if (!isActive(r)) return [];
  const answering = !!waitingChange(r) && side === CHANGE_DECIDER;
  return [
    ...(answering ? (['authorizeChange', 'declineChange'] as const) : []),
    ...(!answering && extendRoom > 0 ? (['extend'] as const) : []),
    ...(!answering && !r.grant.autoExtend && mayAutoExtend(r.grant)
      ? (['autoExtendOn'] as const)
      : []),
    'end' as const,
  ];
}

/**
 * What a relationship's last change owes beyond every copy of its cards: the card to the side
 * that must answer (a request, or the provider's change), or a notice to each side whose person
 * did not act; and the reminder whose days were just claimed (the most urgent of them).
 */
export interface RelationshipOwes {
  readonly ask?: { readonly side: Side; readonly what: 'request' | 'changeRequested' };
  readonly tell: readonly Side[];
  readonly remindDays?: number;
}

/**
 * The side whose person did something to the relationship, by their tenant; undefined for the
 * sweep ('system'), which acts for neither side.
 */
export function actingSide(by: PersonRef | 'system', providerTenantId: string): Side | undefined {
  if (by === 'system') return undefined;
  return by.tenantId === providerTenantId ? 'provider' : 'reseller';
}

/** What the relationship's last change owes (`RelationshipOwes`); the provider's tenant tells who acted. */
export function owedBy(r: Relationship, providerTenantId: string): RelationshipOwes {
  const last = r.history[r.history.length - 1];
  if (!last) return { tell: [] };
  const claimed = r.remindedDays ?? [];
  const remind = isActive(r) && claimed.length > 0 ? { remindDays: Math.min(...claimed) } : {};
  if (awaitsAnswer(r)) {
    return { ask: { side: decidingSide(r), what: 'request' }, tell: [], ...remind };
  }
  if (isActive(r) && last.note === 'changeRequested') {
    return { ask: { side: CHANGE_DECIDER, what: 'changeRequested' }, tell: [], ...remind };
  }
  // Both sides but the one that acted; a pending event with no note is no news to anyone.
  const actor = actingSide(last.by, providerTenantId);
  const tell =
    last.from !== null && (last.note ?? last.to) !== 'pending'
      ? SIDES.filter((s) => s !== actor)
      : [];
  return { tell, ...remind };
}

const SIDES: readonly Side[] = ['provider', 'reseller'];
