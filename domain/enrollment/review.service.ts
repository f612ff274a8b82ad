import type { Logger } from '../../logging/logger.js';
import type { Actor } from '../partners/actor.js';
import { awaitsDecision, isStaleDecision } from './application.js';
import type { EnrollmentNotices } from './enrollment-notices.js';
import { InvalidError, NotAllowedError, NotFoundError, refuseFields } from '../errors.js';
import type { MembershipService } from '../partners/membership.service.js';
import type { Partner, PartnerDecision } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';

export interface ReviewServiceDeps {
  readonly partners: PartnerRepository;
  readonly memberships: MembershipService;
  /** Sends what a status change owes (and leaves it owed for the sweep if that fails). */
  readonly notices: EnrollmentNotices;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** The outcome of a decision click: the record as it now is, and whether this click decided it. */
export interface DecisionResult {
  readonly partner: Partner;
  readonly decidedNow: boolean;
  /** The click was for an earlier submission of an application since resubmitted: nothing decided. */
  readonly stale?: boolean;
}

/** Which submission a decision is about (the card's `submission`, an ISO date), if the card said. */
export interface DecisionOptions {
  readonly submission?: string;
}

export const MAX_REASON_LENGTH = 1000;

/** The operators' side: the review queue and the decisions. */
export class ReviewService {
  private readonly log: Logger;

  constructor(private readonly deps: ReviewServiceDeps) {
    this.log = deps.logger.child({ module: 'partner-review' });
  }

  /** Applications under review, oldest first (operators only). */
  async reviewQueue(actor: Actor): Promise<Partner[]> {
    this.requireOperator(actor);
    return this.deps.partners.listByStatus('underReview');
  }

  /** One application (operators only). */
  async get(actor: Actor, id: string): Promise<Partner> {
    this.requireOperator(actor);
    const partner = await this.deps.partners.get(id);
    if (!partner) throw new NotFoundError('enrollment:errors.noApplication');
    return partner;
  }

  /** Approves an application under review; a second click or a second operator changes nothing. */
  async approve(actor: Actor, id: string, opts: DecisionOptions = {}): Promise<DecisionResult> {
    return this.decide(actor, id, 'approved', undefined, opts);
  }

  /** Rejects with a reason the applicant can act on; the reason is required. */
  async reject(
    actor: Actor,
    id: string,
    reason: string,
    opts: DecisionOptions = {}
  ): Promise<DecisionResult> {
    const trimmed = (reason ?? '').trim();
    // A field's problem: the card shows it next to the reason box, not above the application.
    if (!trimmed) {
      refuseFields([{ field: 'reason', key: 'enrollment:validation.reasonRequired' }]);
    }
    if (trimmed.length > MAX_REASON_LENGTH) {
      refuseFields([
        {
          field: 'reason',
          key: 'enrollment:validation.tooLong',
          values: { max: MAX_REASON_LENGTH },
        },
      ]);
    }
    return this.decide(actor, id, 'rejected', trimmed, opts);
  }

  private async decide(
    actor: Actor,
    id: string,
    outcome: 'approved' | 'rejected',
    reason?: string,
    opts: DecisionOptions = {}
  ): Promise<DecisionResult> {
    this.requireOperator(actor);
    const submittedAt = opts.submission === undefined ? undefined : new Date(opts.submission);
    if (submittedAt && Number.isNaN(submittedAt.getTime())) throw new InvalidError();
    const decision: PartnerDecision = {
      outcome,
      by: { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId, name: actor.name },
      at: this.deps.now(),
      ...(reason ? { reason } : {}),
    };
    // An application whose organization has no Global admin is not decided (nobody could
    // manage it once approved, nor resubmit it once rejected): its owed founder is made first.
    const current = await this.deps.partners.get(id);
    if (current && awaitsDecision(current)) await this.deps.memberships.requireGlobalAdmin(current);
    // Guarded by the submission the operator saw: after a resubmission an old card decides nothing.
    const updated = await this.deps.partners.transition(
      id,
      'underReview',
      { set: { status: outcome, decision, noticeOwedAt: decision.at } },
      submittedAt ? { submittedAt } : {}
    );
    if (!updated) {
      const current = await this.deps.partners.get(id);
      if (!current) throw new NotFoundError('enrollment:errors.noApplication');
      const stale = isStaleDecision(current, submittedAt);
      return { partner: current, decidedNow: false, ...(stale ? { stale } : {}) };
    }
    this.log.info({ partnerRef: id, outcome, by: actor.aadObjectId }, 'application decided');
    await this.deps.notices.afterTransition(updated);
    return { partner: updated, decidedNow: true };
  }

  private requireOperator(actor: Actor): void {
    if (!this.deps.memberships.isOperator(actor))
      throw new NotAllowedError('enrollment:errors.operatorsOnly');
  }
}
