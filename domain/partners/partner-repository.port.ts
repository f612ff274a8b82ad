import type { NewPartner, Partner, SubmittedStatus } from './partner.js';

/** Thrown by a store when a unique index refuses a write; the service names the existing record. */
export class DuplicatePartnerError extends Error {
  constructor(readonly field: 'tenantId' | 'partnerId') {
    super(`duplicate partner ${field}`);
    this.name = 'DuplicatePartnerError';
  }
}

/** Changes applied by a transition: fields to set, and optional fields to clear. */
export interface PartnerChanges {
  readonly set: Partial<Omit<Partner, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>>;
  readonly unset?: readonly ('decision' | 'addressLine2' | 'region')[];
}

/** Extra conditions of a transition. */
export interface TransitionGuard {
  readonly submittedAt?: Date;
}

/** Partner records. Unique: `tenantId`, `partnerId` (both throw DuplicatePartnerError). */
export interface PartnerRepository {
  create(partner: NewPartner): Promise<Partner>;
  get(id: string): Promise<Partner | null>;
  /** The partners of these ids that exist, in one read (a page of rows names dozens). */
  getMany(ids: readonly string[]): Promise<Partner[]>;
  findByTenant(tenantId: string): Promise<Partner | null>;
  findByPartnerId(partnerId: string): Promise<Partner | null>;
  /** An approved partner of a type whose contact proved this address (a provider's invite). */
  findApprovedByVerifiedEmail(
    email: string,
    partnerType: 'reseller' | 'provider'
  ): Promise<Partner | null>;
  /**
   * One conditional update: applies the changes only while the record is in status `from`
   * (and, with `guard.submittedAt`, still the submission of that date). Returns the updated
   * record, or null when it was not (any more) in that state.
   */
  transition(
    id: string,
    from: SubmittedStatus,
    changes: PartnerChanges,
    guard?: TransitionGuard
  ): Promise<Partner | null>;
  /** Records in a status, oldest submission first. */
  listByStatus(status: SubmittedStatus): Promise<Partner[]>;
  /**
   * Approved partners of a type for the directory, by name (case- and accent-insensitive prefix,
   * in any script) within a country/region or everywhere, in name order.
   */
  searchDirectory(query: DirectoryQuery): Promise<DirectoryResult>;
  /** Records whose notices are owed since before `before`, oldest first. */
  listNoticesOwed(before: Date, limit: number): Promise<Partner[]>;
  /** Clears `noticeOwedAt` if it is still `since` (a newer stamp is kept). */
  clearNoticeOwed(id: string, since: Date): Promise<void>;
  /** Records whose founder is owed since before `before`, oldest first. */
  listFoundersOwed(before: Date, limit: number): Promise<Partner[]>;
  /** Clears `owedFounder` if it is still the one owed since `since`. */
  clearOwedFounder(id: string, since: Date): Promise<void>;
}

/** A directory page: approved partners of `partnerType`, optionally in a country, by name prefix. */
export interface DirectoryQuery {
  readonly partnerType: 'provider' | 'reseller';
  /** ISO 3166 code of the tenant's country/region; unset: every country. */
  readonly country?: string;
  /** The start of the legal name, compared ignoring case and accents. */
  readonly namePrefix?: string;
  readonly skip: number;
  readonly limit: number;
  /**
   * Counts matches up to this many: the count costs what it counts, so a directory of 12,000
   * providers says "Page 1 of 21+" instead of counting all of them for every page.
   */
  readonly countUpTo: number;
}

/** How many matches past a directory page are counted (the pages the card can offer ahead). */
const DIRECTORY_COUNT_AHEAD = 100;

/** The `countUpTo` of a directory page: the page, and DIRECTORY_COUNT_AHEAD matches past it. */
export function directoryCountUpTo(page: Pick<DirectoryQuery, 'skip' | 'limit'>): number {
  return page.skip + page.limit + DIRECTORY_COUNT_AHEAD;
}

/** A directory page; `more`: there are more matches than `total` (the count stopped there). */
export interface DirectoryResult {
  readonly items: Partner[];
  readonly total: number;
  readonly more: boolean;
}
