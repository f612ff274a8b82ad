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
