import type { OwedNoticeStore } from '../notices/owed-notices.js';
import type { PartnerRef } from '../partners/partner.js';
import type { GdapLink, GdapWanted, NewGdapLink } from './gdap.js';

/** GDAP links: one per product relationship (a unique index on `relationshipId`). */
export interface GdapLinkRepository extends OwedNoticeStore<GdapLink> {
  byRelationship(relationshipId: string): Promise<GdapLink | null>;
  /** The links of these relationships that exist, in one read (a page of rows). */
  byRelationships(relationshipIds: readonly string[]): Promise<GdapLink[]>;
  /**
   * Records that the relationship wants `wanted`, stamping the work owed at `at`: inserts the
   * link when there is none, updates it when it wanted something else or (still wanting it
   * active) another auto-extend; null when it already wanted this (nothing new owed).
   */
  want(link: NewGdapLink, wanted: GdapWanted, at: Date): Promise<GdapLink | null>;
  /** Sets what Graph said (id, status, end, refusal); `refusal: null` clears it. */
  record(
    id: string,
    fields: Partial<Pick<GdapLink, 'graphId' | 'status' | 'endDateTime' | 'syncedAt'>> & {
      readonly refusal?: GdapLink['refusal'] | null;
    }
  ): Promise<GdapLink | null>;
  /** Stamps a link's Graph work as owed again (Graph now allows what it refused in its state). */
  owe(id: string, at: Date): Promise<GdapLink | null>;
  /** Links whose Graph status may still change, least recently synced first. */
  listToSync(before: Date, limit: number): Promise<GdapLink[]>;
  /** Stamps the partner's links refused as not connected as owed again (after it connects). */
  reoweNotConnected(partnerRef: PartnerRef, at: Date): Promise<GdapLink[]>;
}

/** A partner's connection to Microsoft Graph (the admin consent given in its tenant). */
export interface GraphConnection {
  readonly partnerRef: PartnerRef;
  readonly tenantId: string;
  readonly connectedAt: Date;
  readonly connectedBy: string;
}

/** A consent link's state, stored by its keyed hash only, for one person, once. */
export interface ConsentState {
  readonly stateHash: string;
  readonly partnerRef: PartnerRef;
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly expiresAt: Date;
}

/** Connections and the pending consent states. */
export interface GraphConnectionRepository {
  get(partnerRef: PartnerRef): Promise<GraphConnection | null>;
  save(connection: GraphConnection): Promise<void>;
  remove(partnerRef: PartnerRef): Promise<boolean>;
  saveState(state: ConsentState): Promise<void>;
  /** Removes and returns the state of that hash: a second use finds nothing. */
  takeState(stateHash: string): Promise<ConsentState | null>;
}
