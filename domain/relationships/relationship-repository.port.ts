import type { OwedNoticeStore } from '../notices/owed-notices.js';
import type { PartnerRef } from '../partners/partner.js';
import type {
  NewRelationship,
  Relationship,
  RelationshipEvent,
  RelationshipState,
} from './relationship.js';

/** A pair already has a pending or active relationship (the unique index refused a second). */
export class DuplicateRelationshipError extends Error {
  constructor() {
    super('the pair already has a pending or active relationship');
    this.name = 'DuplicateRelationshipError';
  }
}

/** What a transition writes, together with one history event and the notice stamp. */
export interface RelationshipChange {
  readonly state: RelationshipState;
  // A new `expiresAt` resets the reminders: they are about the new date.
  readonly event: RelationshipEvent;
  readonly set?: Partial<
    Pick<Relationship, 'grant' | 'expiresAt' | 'activeSince' | 'pendingChange' | 'lastResentAt'>
  >;
  /** Drops the provider's change that waited for consent (applied, declined or superseded). */
  readonly clearPendingChange?: boolean;
}

/** What else must still hold for a transition to apply (each read earlier by the caller). */
export interface RelationshipGuard {
  /** Access still ends then: an Extend or the sweep that got there first is not undone. */
  readonly expiresAt?: Date;
  /** The provider's waiting change is still this one (by its time); null: there is none. */
  readonly pendingChangeAt?: Date | null;
  /** Not resent after this (or never): concurrent Resends send once. */
  readonly resentBefore?: Date;
}

/** Relationships; every change is one conditional update on (id, state). */
export interface RelationshipRepository extends OwedNoticeStore<Relationship> {
  /** Throws DuplicateRelationshipError when the pair has an open one. */
  create(relationship: NewRelationship): Promise<Relationship>;
  get(id: string): Promise<Relationship | null>;
  /** The open (pending or active) relationship of a pair, if any. */
  findOpen(providerRef: PartnerRef, resellerRef: PartnerRef): Promise<Relationship | null>;
  /** Applies `change` only while the record is in `from` and `guard` holds. */
  transition(
    id: string,
    from: RelationshipState,
    change: RelationshipChange,
    guard?: RelationshipGuard
  ): Promise<Relationship | null>;
  /** Open relationships whose `expiresAt` is before `before`, oldest first. */
  listExpiring(before: Date, limit: number): Promise<Relationship[]>;
  /** A partner's relationships on either side, newest first. */
  listFor(partnerRef: PartnerRef, side: 'provider' | 'reseller'): Promise<Relationship[]>;
  /** One page of a partner's relationships (newest first), or its open ones expiring soonest. */
  listPage(query: RelationshipPageQuery): Promise<{ items: Relationship[]; total: number }>;
  /** Active relationships not yet reminded at `threshold` days whose expiry is before `before`. */
  listReminderDue(threshold: number, before: Date, limit: number): Promise<Relationship[]>;
  /**
   * Claims the reminder at `thresholds[0]` days (and the longer ones it makes moot) for this
   * expiry, stamping the notice as owed in the same update; null when claimed already.
   */
  claimReminder(
    id: string,
    expiresAt: Date,
    thresholds: readonly number[],
    owedAt: Date
  ): Promise<Relationship | null>;
}

/** A page of the Indirect providers / resellers list. */
export interface RelationshipPageQuery {
  readonly partnerRef: PartnerRef;
  readonly side: 'provider' | 'reseller';
  /** Expiring soon: only active ones whose access ends before this, soonest first. */
  readonly expiringBefore?: Date;
  /** Only these states (default: all). */
  readonly states?: readonly RelationshipState[];
  /** Only with these partners on the other side (a search by their name or PartnerID). */
  readonly otherRefs?: readonly PartnerRef[];
  /** Active first, then pending, then the closed ones; newest first within each. */
  readonly activeFirst?: boolean;
  /** A column order instead (the API's tables); ties newest first. */
  readonly sort?: RelationshipSort;
  readonly skip: number;
  readonly limit: number;
}

/** A list's order by one column (the dashboard's sortable tables). */
export interface RelationshipSort {
  readonly by: 'requestedAt' | 'expiresAt' | 'state';
  readonly order: 'asc' | 'desc';
}
