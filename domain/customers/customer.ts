import { isSamePerson } from '../partners/actor.js';
import type { PartnerRef, PersonRef } from '../partners/partner.js';

/**
 * A customer organization: one per Entra tenant, whoever invited it, so a customer invited by
 * two resellers is one record with two links.
 */
export interface Customer {
  readonly id: string;
  readonly tenantId: string;
  /** The name the first accepted invitation gave it. */
  readonly companyName: string;
  /** The customer's admins in the bot: whoever accepted an invitation for the tenant. */
  readonly admins: readonly PersonRef[];
  /**
   * The customer's domain and who to contact there: the first accepting admin whose email Teams
   * gave (the domain from that address, else from the invitation's). Older records have none.
   */
  readonly domain?: string;
  readonly adminEmail?: string;
  readonly createdAt: Date;
}

/**
 * Whether this person is one of the customer's admins (accepted one of its invitations): only
 * they see its partners and may End a link.
 */
export function isCustomerAdmin(
  customer: Pick<Customer, 'admins'>,
  who: { readonly tenantId: string; readonly aadObjectId: string }
): boolean {
  return customer.admins.some((a) => isSamePerson(a, who));
}

/**
 * A customer's link to a reseller (and through it, optionally, to that reseller's indirect
 * provider), made by one accepted invitation. Partner Center's customer-reseller relationship.
 */
export interface CustomerLink {
  readonly id: string;
  readonly customerRef: string;
  readonly resellerRef: PartnerRef;
  readonly providerRef?: PartnerRef;
  readonly relationshipRef?: string;
  /** The invitation that made it (unique: a repeated settle adds nothing). */
  readonly invitationRef: string;
  readonly since: Date;
  /** Ended by the customer (`partners`, End): kept for the record, no longer listed. */
  readonly endedAt?: Date;
  readonly endedBy?: PersonRef;
  /** Stamped when it ends, in the same update; cleared once what the end owes is done. */
  readonly noticeOwedAt?: Date;
}

export type NewCustomerLink = Omit<CustomerLink, 'id' | 'endedAt' | 'endedBy' | 'noticeOwedAt'>;

/** Customers and their links. Creating is idempotent by tenant and by invitation. */
export interface CustomerRepository {
  /** The tenant's customer, created with this name if none; the admin added either way. */
  upsertByTenant(input: {
    readonly tenantId: string;
    readonly companyName: string;
    readonly admin: PersonRef;
    /** Recorded when the customer has none yet (see `Customer.domain`). */
    readonly adminEmail?: string;
    readonly domain?: string;
    readonly at: Date;
  }): Promise<Customer>;
  get(id: string): Promise<Customer | null>;
  findByTenant(tenantId: string): Promise<Customer | null>;
  /** Adds the link unless one for the invitation exists; returns the stored one. */
  addLink(link: NewCustomerLink): Promise<CustomerLink>;
  getLink(id: string): Promise<CustomerLink | null>;
  /**
   * Ends a link in one conditional update, stamped as owing its notices; null when it had
   * ended already.
   */
  endLink(id: string, by: PersonRef, at: Date): Promise<CustomerLink | null>;
  /**
   * One page of a reseller's links (newest first) or a provider's (grouped by reseller, newest
   * first within each), with the total: a page costs one query, whatever the count.
   */
  pageLinks(
    by: { readonly resellerRef: PartnerRef } | { readonly providerRef: PartnerRef },
    skip: number,
    limit: number
  ): Promise<{ items: CustomerLink[]; total: number }>;
  /** Links of one side that have not ended, newest first. */
  listLinks(
    by:
      | { readonly resellerRef: PartnerRef }
      | { readonly providerRef: PartnerRef }
      | { readonly customerRef: string }
  ): Promise<CustomerLink[]>;
}
