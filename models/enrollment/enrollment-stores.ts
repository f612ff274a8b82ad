import type mongoose from 'mongoose';
import { MongoEnrollmentDraftRepository } from './enrollment-draft.repository.js';
import { enrollmentDraftModel } from './enrollment-draft.schema.js';
import { MongoMembershipRepository } from '../partners/membership.repository.js';
import { membershipModel } from '../partners/membership.schema.js';
import { MongoPartnerRepository } from '../partners/partner.repository.js';
import { partnerModel } from '../partners/partner.schema.js';
import { MongoVerificationRepository } from './verification.repository.js';
import { verificationModel } from './verification.schema.js';

/** The enrollment feature's stores on one connection. */
export interface EnrollmentMongoStores {
  readonly partners: MongoPartnerRepository;
  readonly drafts: MongoEnrollmentDraftRepository;
  readonly verifications: MongoVerificationRepository;
  readonly memberships: MongoMembershipRepository;
}

/**
 * Creates the stores and waits for their unique indexes: one partner per tenant/PartnerID is
 * enforced by those indexes, so they must exist before the first write.
 */
export async function createEnrollmentStores(
  conn: mongoose.Connection
): Promise<EnrollmentMongoStores> {
  await Promise.all([
    partnerModel(conn).init(),
    enrollmentDraftModel(conn).init(),
    verificationModel(conn).init(),
    membershipModel(conn).init(),
  ]);
  return {
    partners: new MongoPartnerRepository(conn),
    drafts: new MongoEnrollmentDraftRepository(conn),
    verifications: new MongoVerificationRepository(conn),
    memberships: new MongoMembershipRepository(conn),
  };
}
