import type { Partner } from '../partners/partner.js';
import { can, type Role } from '../partners/roles.js';

/**
 * An enrollment application's rules: what a viewer may do to it now, what its change owes. The
 * review service, the review and status cards, the notices and soon the API ask these; nobody
 * compares an application's status to decide them again.
 */

/** What may be done to a submitted application: operators decide, its Global admin resubmits. */
export type ApplicationAction = 'approve' | 'reject' | 'resubmit';

/** A viewer of an application: an operator of the program, and their roles on its partner. */
export interface ApplicationViewer {
  readonly isOperator: boolean;
  /** Roles on the application's partner (none for anyone of another tenant). */
  readonly roles?: readonly Role[];
}

/** Waiting for an operator's decision: under review (not before the email is verified). */
export function awaitsDecision(partner: Pick<Partner, 'status'>): boolean {
  return partner.status === 'underReview';
}

/**
 * What this viewer may do to the application now: an operator approves or rejects one under
 * review; a Global admin of its organization (`enrollment.resubmit`) resubmits a rejected one.
 */
export function applicationActions(
  partner: Pick<Partner, 'status'>,
  viewer: ApplicationViewer
): ApplicationAction[] {
  return [
    ...(viewer.isOperator && awaitsDecision(partner) ? (['approve', 'reject'] as const) : []),
    ...(partner.status === 'rejected' && can('enrollment.resubmit', viewer.roles ?? [])
      ? (['resubmit'] as const)
      : []),
  ];
}

/**
 * A decision clicked on the card of an earlier submission (`submittedAt`, the card's) of an
 * application resubmitted since: it decides nothing, and the operator is told to look again.
 */
export function isStaleDecision(
  partner: Pick<Partner, 'status' | 'submittedAt'>,
  submittedAt: Date | undefined
): boolean {
  return (
    !!submittedAt &&
    awaitsDecision(partner) &&
    new Date(partner.submittedAt).getTime() !== submittedAt.getTime()
  );
}

/** What an application's status owes once stored: review cards to operators, or the outcome. */
export type ApplicationNotice = 'review' | 'outcome';

/**
 * What a status change owes: under review, every operator's review card (and the queue); once
 * decided, the operators' cards updated and the outcome told to the applicant and the contact.
 */
export function applicationOwes(partner: Pick<Partner, 'status'>): ApplicationNotice | undefined {
  if (awaitsDecision(partner)) return 'review';
  if (partner.status === 'approved' || partner.status === 'rejected') return 'outcome';
  return undefined;
}

/**
 * Whether the tenant stands as a partner (enrolled or enrolling): anything but a rejected
 * application, which leaves the tenant where it was (enrolling again is its own choice).
 */
export function standsAsPartner(partner: Pick<Partner, 'status'> | null | undefined): boolean {
  return !!partner && partner.status !== 'rejected';
}
