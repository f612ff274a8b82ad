import type { Role } from './roles.js';

/** One user's roles on a partner. */
export interface Member {
  readonly aadObjectId: string;
  readonly roles: readonly Role[];
  readonly name?: string;
  readonly updatedAt: Date;
  /** aadObjectId of whoever last changed this member's roles. */
  readonly updatedBy: string;
}

/**
 * A partner's users and roles, kept as one document with a version so every change (and the
 * "last Global admin" rule) is one conditional update without transactions.
 */
export interface Roster {
  /** The partner record id. */
  readonly partnerRef: string;
  readonly tenantId: string;
  readonly members: readonly Member[];
  readonly version: number;
}

/** Rosters, one per partner (unique `partnerRef` and `tenantId`). */
export interface MembershipRepository {
  get(partnerRef: string): Promise<Roster | null>;
  /** Inserts a roster at version 1; false when the partner already has one. */
  create(roster: Omit<Roster, 'version'>): Promise<boolean>;
  /** Replaces the members only while the roster is at `expectedVersion`; false otherwise. */
  replaceMembers(
    partnerRef: string,
    expectedVersion: number,
    members: readonly Member[]
  ): Promise<boolean>;
}
