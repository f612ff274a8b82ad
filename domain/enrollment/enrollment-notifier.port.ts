import type { Partner } from '../partners/partner.js';

/**
 * What enrollment tells the world, implemented by the bot layer (cards + notifications) so the
 * domain stays free of cards and SDKs. Calls happen after the state change is stored.
 */
export interface EnrollmentNotifier {
  /** The application is under review: every operator gets the review card. */
  submittedForReview(partner: Partner): Promise<void>;
  /** An operator decided: update operators' cards, tell the applicant and the contact. */
  decided(partner: Partner): Promise<void>;
}
