import { standsAsPartner } from '../enrollment/application.js';
import { mayAnswer, stateAt, type Invitation } from '../invitations/invitation.js';
import type { Actor } from '../partners/actor.js';
import type { Partner, PartnerRef } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';
import {
  isCustomerAdmin,
  type Customer,
  type CustomerLink,
  type CustomerRepository,
} from './customer.js';

/**
 * Who a person is to the product, for what the bot offers them first (welcome, `help`):
 * `partner` when their tenant has a partner that was not rejected (enrolled or enrolling),
 * `customer` when it has none but is a customer (an invitation for it was accepted), else
 * `newcomer`. A tenant that is both is a partner: its `status` adds the customer part.
 */
export type Standing = 'partner' | 'customer' | 'newcomer';

/** Pending customer invitations opened by someone of a tenant (the `status` list, capped). */
export interface OpenedInvitations {
  listPendingOpenedInTenant(tenantId: string, limit: number): Promise<Invitation[]>;
}

/** One running link as the customer's `status` shows it. */
export interface CustomerPartners {
  readonly link: CustomerLink;
  readonly reseller?: Partner;
  readonly provider?: Partner;
  /** The accepted invitation that made the link. */
  readonly invitation?: Invitation;
}

/** A pending invitation a person of the customer's tenant opened and has not answered. */
export interface PendingForCustomer {
  readonly invitation: Invitation;
  readonly reseller?: Partner;
  readonly provider?: Partner;
}

/** What `status` tells a customer's people: its partners, its invitations, what they may do. */
export interface CustomerStatus {
  readonly customer: Customer;
  /** The person is on the customer's admins (accepted one of its invitations): may End. */
  readonly isAdmin: boolean;
  readonly partners: readonly CustomerPartners[];
  readonly pending: readonly PendingForCustomer[];
}

/** Pending invitations listed in `status` at most: the rest are opened again by their code. */
export const MAX_PENDING_LISTED = 5;

/**
 * Read-only questions about a customer, asked by the bot for the welcome, `help` and `status`:
 * a tenant is a customer once an invitation for it was accepted (the customer record exists).
 */
export class CustomerStandingQuery {
  constructor(
    private readonly deps: {
      readonly customers: Pick<CustomerRepository, 'findByTenant' | 'listLinks'>;
      readonly partners: Pick<PartnerRepository, 'get' | 'findByTenant'>;
      readonly invitations: Pick<OpenedInvitations, 'listPendingOpenedInTenant'> & {
        get(id: string): Promise<Invitation | null>;
      };
      readonly now: () => Date;
    }
  ) {}

  async standingOf(actor: Pick<Actor, 'tenantId'>): Promise<Standing> {
    const [partner, customer] = await Promise.all([
      this.deps.partners.findByTenant(actor.tenantId),
      this.deps.customers.findByTenant(actor.tenantId),
    ]);
    // A rejected application leaves the tenant where it was: enrolling again is its own choice.
    if (standsAsPartner(partner)) return 'partner';
    return customer ? 'customer' : 'newcomer';
  }

  /** The customer part of `status`, or null when the actor's tenant is no customer. */
  async statusOf(actor: Actor): Promise<CustomerStatus | null> {
    const customer = await this.deps.customers.findByTenant(actor.tenantId);
    if (!customer) return null;
    const partner = memo((ref: PartnerRef) => this.deps.partners.get(ref));
    const [links, opened] = await Promise.all([
      this.deps.customers.listLinks({ customerRef: customer.id }),
      this.deps.invitations.listPendingOpenedInTenant(actor.tenantId, MAX_PENDING_LISTED),
    ]);
    const partners = await Promise.all(
      links.map(async (link) => {
        const [reseller, provider, invitation] = await Promise.all([
          partner(link.resellerRef),
          link.providerRef ? partner(link.providerRef) : null,
          this.deps.invitations.get(link.invitationRef),
        ]);
        return {
          link,
          ...(reseller ? { reseller } : {}),
          ...(provider ? { provider } : {}),
          ...(invitation ? { invitation } : {}),
        };
      })
    );
    const now = this.deps.now();
    const pending = await Promise.all(
      // Past its date it can no longer be accepted, even before the sweep marks it.
      opened
        .filter((inv) => inv.kind === 'customer' && mayAnswer(stateAt(inv, now)))
        .map(async (invitation) => {
          const [reseller, provider] = await Promise.all([
            partner(invitation.partnerRef),
            invitation.customer?.providerRef ? partner(invitation.customer.providerRef) : null,
          ]);
          return {
            invitation,
            ...(reseller ? { reseller } : {}),
            ...(provider ? { provider } : {}),
          };
        })
    );
    const isAdmin = isCustomerAdmin(customer, actor);
    return { customer, isAdmin, partners, pending };
  }
}

/** One read per partner, however many links name it. */
function memo<T>(read: (ref: PartnerRef) => Promise<T>): (ref: PartnerRef) => Promise<T> {
  const seen = new Map<PartnerRef, Promise<T>>();
  return (ref) => {
    if (!seen.has(ref)) seen.set(ref, read(ref));
    return seen.get(ref)!;
  };
}
