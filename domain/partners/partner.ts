import type { Language } from '../../i18n/i18n.js';
import type { EnrollmentAnswers } from './partner-profile.js';

/**
 * The Microsoft PartnerID (MPN ID) rule, the one the enrollment form, the invite form and their
 * cards all apply: 6 or 7 digits. `PARTNER_ID_PATTERN` is also the cards' `regex`, so Teams
 * refuses the same values before they are sent.
 */
export const PARTNER_ID_PATTERN = '^\\d{6,7}$';
/** The one message for a PartnerID that breaks the rule (i18n key). */
export const PARTNER_ID_MESSAGE = 'enrollment:validation.partnerIdFormat';
const PARTNER_ID = new RegExp(PARTNER_ID_PATTERN);

/** True when `value` (already trimmed) is a PartnerID by the rule above. */
export function isPartnerId(value: string): boolean {
  return PARTNER_ID.test(value);
}

/** Where an application stands. `draft` lives in the draft store; the others on the partner. */
export const PARTNER_STATUSES = [
  'draft',
  'emailVerificationPending',
  'underReview',
  'approved',
  'rejected',
] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];
export type SubmittedStatus = Exclude<PartnerStatus, 'draft'>;

/** A person named on a record: enough to address them and to show who did what. */
export interface PersonRef {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name?: string;
}

/** An operator's decision on an application: who, when, and (for a rejection) why. */
export interface PartnerDecision {
  readonly outcome: 'approved' | 'rejected';
  readonly by: PersonRef;
  readonly at: Date;
  readonly reason?: string;
}

/**
 * The person a new partner's roster is owed to: its first Global admin (and Admin agent),
 * recorded on the partner's own insert so one write is the durable truth (see
 * MembershipService.settleFounder); `since` is when it became owed, for the sweep.
 */
export interface OwedFounder extends PersonRef {
  readonly since: Date;
}

/**
 * A partner record's id (`Partner.id`): what relationships, rosters and notices point at.
 * Never the Microsoft PartnerID, which is `Partner.partnerId` and only ever that number.
 */
export type PartnerRef = string;

/**
 * A partner organization: one per Entra tenant and one per PartnerID. The application's
 * answers are stored flat under the form's field ids.
 */
export interface Partner extends EnrollmentAnswers {
  /** Record id (not the PartnerID, which is `partnerId`). */
  readonly id: PartnerRef;
  readonly tenantId: string;
  readonly status: SubmittedStatus;
  readonly submittedBy: PersonRef;
  readonly submittedAt: Date;
  /** The applicant's language at submission: mails to the contact use it. */
  readonly language?: Language;
  /** The contact email last proven by a code, so a resubmission with the same email skips it. */
  readonly verifiedEmail?: string;
  readonly emailVerifiedAt?: Date;
  /** The latest decision; cleared when a rejected application is resubmitted. */
  readonly decision?: PartnerDecision;
  /**
   * Set with a status change whose notices (review cards, outcome) may not all be out yet;
   * cleared once they are (see EnrollmentNotices).
   */
  readonly noticeOwedAt?: Date;
  /**
   * Set by the insert that creates the partner, cleared once its roster exists: without
   * multi-document transactions a crash between the two writes leaves this, not an
   * organization that nobody administers.
   */
  readonly owedFounder?: OwedFounder;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A new record, before the store gives it an id and timestamps. */
export type NewPartner = Omit<Partner, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * Who a partner with no roster yet must get as its first Global admin: the founder its insert
 * recorded, or for a record written before founders were recorded, its submitter (a roster is
 * only ever missing on a new application, and a resubmission needs a Global admin, so the
 * submitter of a partner without one is the person who created it).
 */
export function founderOf(partner: Partner): PersonRef {
  return partner.owedFounder ?? partner.submittedBy;
}
