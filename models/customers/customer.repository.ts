import type mongoose from 'mongoose';
import { isValidObjectId } from 'mongoose';
import type {
  Customer,
  CustomerLink,
  CustomerRepository,
  NewCustomerLink,
} from '../../domain/customers/customer.js';
import type { PartnerRef, PersonRef } from '../../domain/partners/partner.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { memoized } from '../turn-memo.js';
import {
  customerLinkModel,
  customerModel,
  type CustomerDoc,
  type CustomerLinkDoc,
} from './customer.schema.js';

/** Read-once-a-turn key space of customers (models/turn-memo.ts). */
const MEMO = 'customers';

/** Customers by tenant and their links, each write one idempotent upsert. */
export class MongoCustomerRepository implements CustomerRepository {
  private readonly customers: mongoose.Model<CustomerDoc>;
  private readonly links: mongoose.Model<CustomerLinkDoc>;

  constructor(conn: mongoose.Connection) {
    this.customers = customerModel(conn);
    this.links = customerLinkModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.customers.init(), this.links.init()]);
  }

  async upsertByTenant(input: {
    readonly tenantId: string;
    readonly companyName: string;
    readonly admin: PersonRef;
    readonly adminEmail?: string;
    readonly domain?: string;
    readonly at: Date;
  }): Promise<Customer> {
    for (let i = 0; ; i++) {
      try {
        // The first acceptance names the customer; every acceptance adds its admin once.
        await this.customers.updateOne(
          { tenantId: input.tenantId },
          {
            $setOnInsert: { companyName: input.companyName, createdAt: input.at, admins: [] },
          },
          { upsert: true }
        );
        break;
      } catch (err) {
        if (!isDuplicateKey(err) || i > 2) throw err;
      }
    }
    // The first domain and contact known stay: a later admin does not overwrite them.
    for (const field of ['domain', 'adminEmail'] as const) {
      const value = input[field];
      if (!value) continue;
      await this.customers.updateOne(
        { tenantId: input.tenantId, [field]: { $exists: false } },
        { $set: { [field]: value } }
      );
    }
    const admin = {
      tenantId: input.admin.tenantId,
      aadObjectId: input.admin.aadObjectId,
      ...(input.admin.name ? { name: input.admin.name } : {}),
    };
    const doc = await this.customers
      .findOneAndUpdate(
        { tenantId: input.tenantId, 'admins.aadObjectId': { $ne: admin.aadObjectId } },
        { $push: { admins: admin } },
        { returnDocument: 'after' }
      )
      .lean<CustomerDoc>();
    return toCustomer(
      doc ?? (await this.customers.findOne({ tenantId: input.tenantId }).lean<CustomerDoc>())!
    );
  }

  async get(id: string): Promise<Customer | null> {
    if (!isValidObjectId(id)) return null;
    const doc = await this.customers.findById(id).lean<CustomerDoc>();
    return doc ? toCustomer(doc) : null;
  }

  async findByTenant(tenantId: string): Promise<Customer | null> {
    // The welcome, `help` and `status` each ask whether the tenant is a customer: read once.
    const doc = await memoized(MEMO, `tenant:${tenantId}`, () =>
      this.customers.findOne({ tenantId }).lean<CustomerDoc>().exec()
    );
    return doc ? toCustomer(doc) : null;
  }

  async addLink(link: NewCustomerLink): Promise<CustomerLink> {
    try {
      await this.links.updateOne(
        { invitationRef: link.invitationRef },
        { $setOnInsert: link },
        { upsert: true }
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const doc = await this.links
      .findOne({ invitationRef: link.invitationRef })
      .lean<CustomerLinkDoc>();
    return toLink(doc!);
  }

  async getLink(id: string): Promise<CustomerLink | null> {
    if (!isValidObjectId(id)) return null;
    const doc = await this.links.findById(id).lean<CustomerLinkDoc>();
    return doc ? toLink(doc) : null;
  }

  /** The link an accepted invitation made, once its settle has run (webhooks' customer.linked). */
  async linkOfInvitation(invitationRef: string): Promise<CustomerLink | null> {
    const doc = await this.links.findOne({ invitationRef }).lean<CustomerLinkDoc>();
    return doc ? toLink(doc) : null;
  }

  async endLink(id: string, by: PersonRef, at: Date): Promise<CustomerLink | null> {
    if (!isValidObjectId(id)) return null;
    // Only a link still running: two clicks (or two admins) end it once.
    const doc = await this.links
      .findOneAndUpdate(
        { _id: id, endedAt: { $exists: false } },
        // Stamped in the same update: what the end owes (notices, webhooks) survives a crash.
        { $set: { endedAt: at, endedBy: by, noticeOwedAt: at } },
        { returnDocument: 'after' }
      )
      .lean<CustomerLinkDoc>();
    return doc ? toLink(doc) : null;
  }

  /** Ended links whose notices are still owed, stamped before `before`, oldest first. */
  async listLinksOwed(before: Date, limit: number): Promise<CustomerLink[]> {
    const docs = await this.links
      .find({ noticeOwedAt: { $lt: before } })
      .sort({ noticeOwedAt: 1 })
      .limit(limit)
      .lean<CustomerLinkDoc[]>();
    return docs.map(toLink);
  }

  /** Clears the stamp only if it is still `since`. */
  async clearLinkOwed(id: string, since: Date): Promise<void> {
    await this.links.updateOne({ _id: id, noticeOwedAt: since }, { $unset: { noticeOwedAt: 1 } });
  }

  async pageLinks(
    by: { readonly resellerRef: PartnerRef } | { readonly providerRef: PartnerRef },
    skip: number,
    limit: number
  ): Promise<{ items: CustomerLink[]; total: number }> {
    const filter = { ...by, endedAt: { $exists: false } };
    // A provider's come by reseller (each group together), newest first within it.
    const sort: Record<string, 1 | -1> =
      'providerRef' in by ? { resellerRef: 1, since: -1, _id: -1 } : { since: -1, _id: -1 };
    const [docs, total] = await Promise.all([
      this.links.find(filter).sort(sort).skip(skip).limit(limit).lean<CustomerLinkDoc[]>(),
      this.links.countDocuments(filter),
    ]);
    return { items: docs.map(toLink), total };
  }

  async listLinks(
    by:
      | { readonly resellerRef: PartnerRef }
      | { readonly providerRef: PartnerRef }
      | { readonly customerRef: string }
  ): Promise<CustomerLink[]> {
    const docs = await this.links
      .find({ ...by, endedAt: { $exists: false } })
      .sort({ since: -1, _id: -1 })
      .lean<CustomerLinkDoc[]>();
    return docs.map(toLink);
  }
}

function toCustomer(doc: CustomerDoc): Customer {
  return {
    id: String(doc._id),
    tenantId: doc.tenantId,
    companyName: doc.companyName,
    admins: doc.admins.map((a) => ({
      tenantId: a.tenantId,
      aadObjectId: a.aadObjectId,
      ...(a.name ? { name: a.name } : {}),
    })),
    ...(doc.domain ? { domain: doc.domain } : {}),
    ...(doc.adminEmail ? { adminEmail: doc.adminEmail } : {}),
    createdAt: doc.createdAt,
  };
}

function toLink(doc: CustomerLinkDoc): CustomerLink {
  return {
    id: String(doc._id),
    customerRef: doc.customerRef,
    resellerRef: doc.resellerRef,
    ...(doc.providerRef ? { providerRef: doc.providerRef } : {}),
    ...(doc.relationshipRef ? { relationshipRef: doc.relationshipRef } : {}),
    invitationRef: doc.invitationRef,
    since: doc.since,
    ...(doc.endedAt ? { endedAt: doc.endedAt } : {}),
    ...(doc.endedBy ? { endedBy: doc.endedBy } : {}),
    ...(doc.noticeOwedAt ? { noticeOwedAt: doc.noticeOwedAt } : {}),
  };
}
