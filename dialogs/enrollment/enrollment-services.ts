import type { EnrollmentService } from '../../domain/enrollment/enrollment.service.js';
import type { MembershipService } from '../../domain/partners/membership.service.js';
import type { ReviewService } from '../../domain/enrollment/review.service.js';

/** The domain services the enrollment dialogs and commands call. */
export interface EnrollmentServices {
  readonly enrollment: EnrollmentService;
  readonly review: ReviewService;
  readonly memberships: MembershipService;
  /** How long a mailed code is valid, for the prompt. */
  readonly codeMinutes: number;
  /** The program terms page the terms step links to (the server's /terms). */
  readonly termsUrl: string;
}
