import type { Logger } from '../../logging/logger.js';
import type { Language } from '../../i18n/i18n.js';
import type { Actor } from '../partners/actor.js';
import type {
  EnrollmentDraft,
  EnrollmentDraftRepository,
  EnrollmentStep,
} from './enrollment-draft-repository.port.js';
import {
  FIELD_SCHEMAS,
  firstIncompleteSection,
  partnerCountry,
  validateAnswers,
  validateSection,
  type DraftAnswers,
  type FieldError,
  type SectionId,
} from '../partners/partner-profile.js';
import type { EnrollmentNotices } from './enrollment-notices.js';
import { stepAfterSave, stepBefore } from './enrollment-steps.js';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import type { MembershipService } from '../partners/membership.service.js';
import type { Partner, PersonRef } from '../partners/partner.js';
import {
  DuplicatePartnerError,
  type PartnerRepository,
} from '../partners/partner-repository.port.js';
import type { Role } from '../partners/roles.js';
import type { VerificationService } from './verification.service.js';

export interface EnrollmentServiceDeps {
  readonly partners: PartnerRepository;
  readonly drafts: EnrollmentDraftRepository;
  readonly memberships: MembershipService;
  readonly verification: VerificationService;
  /** Sends what a status change owes (and leaves it owed for the sweep if that fails). */
  readonly notices: EnrollmentNotices;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** Where a (re)started enrollment stands. */
export interface EnrollmentSession {
  readonly draft: EnrollmentDraft;
  /** True when an earlier draft was picked up rather than a new one started. */
  readonly resumed: boolean;
  /** The rejected application being resubmitted, with its decision (reason). */
  readonly rejected?: Partner;
}

/** What `status` shows. */
export interface EnrollmentStatus {
  readonly partner: Partner | null;
  /** The actor's draft while the tenant has no partner (null once it has one). */
  readonly draft: EnrollmentDraft | null;
  readonly roles: readonly Role[];
  readonly isOperator: boolean;
  /** Seconds until a new code may be requested (pending verification only). */
  readonly resendWaitSeconds: number;
}

/** A section's answers checked: as they would be stored, or each broken rule. */
export type CheckSectionResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export type SaveSectionResult =
  | { readonly ok: true; readonly draft: EnrollmentDraft }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** The applicant's side of enrollment: draft, submit, verify the contact email, status. */
/** How long after a submit its record counts as left behind by a request that died. */
export const INTERRUPTED_SUBMIT_AFTER_MS = 30_000;

/**
 * The application is past verification (verified elsewhere, decided): a refusal of this code,
 * and the signal for a waiting verify step that there is nothing left to ask.
 */
export class NotPendingVerificationError extends ConflictError {
  constructor(readonly status: Partner['status']) {
    super('enrollment:errors.notPendingVerification', { context: status });
  }
}

/** What Submit on the summary leads to before anything is written. */
export type SubmitReadiness =
  { readonly kind: 'ready' } | { readonly kind: 'incomplete'; readonly section: SectionId };

export class EnrollmentService {
  private readonly log: Logger;

  constructor(private readonly deps: EnrollmentServiceDeps) {
    this.log = deps.logger.child({ module: 'enrollment' });
  }

  /**
   * Starts or resumes the actor's enrollment. Refused when the tenant already has a partner
   * (naming its status), except a rejected one, which its Global admin resubmits from its answers.
   */
  async begin(actor: Actor, opts: { restart?: boolean } = {}): Promise<EnrollmentSession> {
    const existing = await this.deps.partners.findByTenant(actor.tenantId);
    if (existing && existing.status !== 'rejected') {
      throw new ConflictError('enrollment:errors.tenantAlreadyEnrolled', {
        context: existing.status,
      });
    }
    if (existing) await this.deps.memberships.authorize(actor, 'enrollment.resubmit');
    const saved = opts.restart ? null : await this.deps.drafts.get(actor);
    const fits = saved && (saved.resubmitOf ?? null) === (existing?.id ?? null);
    if (saved && fits) return { draft: saved, resumed: true, rejected: existing ?? undefined };
    const draft: EnrollmentDraft = existing
      ? {
          tenantId: actor.tenantId,
          aadObjectId: actor.aadObjectId,
          answers: answersOf(existing),
          step: 'summary',
          resubmitOf: existing.id,
          updatedAt: this.deps.now(),
        }
      : {
          tenantId: actor.tenantId,
          aadObjectId: actor.aadObjectId,
          answers: prefillFromTeams(actor),
          step: 'partnerType',
          updatedAt: this.deps.now(),
        };
    await this.deps.drafts.save(draft);
    return { draft, resumed: false, rejected: existing ?? undefined };
  }

  /** The actor's draft, or null. */
  async draftOf(actor: Actor): Promise<EnrollmentDraft | null> {
    return this.deps.drafts.get(actor);
  }

  /**
   * Checks one section's answers against the draft without storing anything: the refusals a
   * save would give (each broken rule; a PartnerID already enrolled by another tenant, naming
   * its status), or the answers as they would be stored.
   */
  async checkSection(
    actor: Actor,
    section: SectionId,
    input: Record<string, unknown>
  ): Promise<CheckSectionResult> {
    const draft = await this.requireDraft(actor);
    return this.check(draft, actor, section, input);
  }

  /**
   * Validates one section's answers; when valid, stores them in the draft and moves it to
   * `next`, by default the step after this one (`stepAfterSave`). Ends an edit from the summary.
   */
  async saveSection(
    actor: Actor,
    section: SectionId,
    input: Record<string, unknown>,
    next?: EnrollmentStep
  ): Promise<SaveSectionResult> {
    const draft = await this.requireDraft(actor);
    const result = await this.check(draft, actor, section, input);
    if (!result.ok) return result;
    const answers: Record<string, unknown> = { ...draft.answers, ...result.value };
    // Optional fields left empty must clear an earlier answer.
    for (const [k, v] of Object.entries(result.value)) if (v === undefined) delete answers[k];
    const { editing: _editing, ...rest } = draft;
    const saved: EnrollmentDraft = {
      ...rest,
      answers: answers as DraftAnswers,
      step: next ?? stepAfterSave(draft),
      updatedAt: this.deps.now(),
    };
    await this.deps.drafts.save(saved);
    return { ok: true, draft: saved };
  }

  /**
   * Moves the draft to another step without changing answers: `back`, the summary's Back, or a
   * section to fix. With `editing`, the section was opened from the summary and returns there.
   */
  async moveTo(
    actor: Actor,
    step: EnrollmentStep,
    opts: { readonly editing?: boolean } = {}
  ): Promise<EnrollmentDraft> {
    const draft = await this.requireDraft(actor);
    const { editing: _editing, ...rest } = draft;
    const saved: EnrollmentDraft = {
      ...rest,
      ...(opts.editing && step !== 'summary' ? { editing: true } : {}),
      step,
      updatedAt: this.deps.now(),
    };
    await this.deps.drafts.save(saved);
    return saved;
  }

  /** Moves the draft one step back (`stepBefore`); null on the first section, nothing moved. */
  async back(actor: Actor): Promise<EnrollmentDraft | null> {
    const to = stepBefore(await this.requireDraft(actor));
    return to === null ? null : this.moveTo(actor, to);
  }

  private async check(
    draft: EnrollmentDraft,
    actor: Actor,
    section: SectionId,
    input: Record<string, unknown>
  ): Promise<CheckSectionResult> {
    // Phones and the postal code follow the country/region answered in the tenant step.
    const result = validateSection(section, input, { country: partnerCountry(draft.answers) });
    if (!result.ok) return result;
    if (section === 'tenant') {
      const partnerId = (result.value as { partnerId: string }).partnerId;
      const holder = await this.deps.partners.findByPartnerId(partnerId);
      if (holder && holder.tenantId !== actor.tenantId) {
        return {
          ok: false,
          errors: [
            {
              field: 'partnerId',
              key: 'enrollment:errors.partnerIdTaken',
              values: { context: holder.status },
            },
          ],
        };
      }
    }
    return { ok: true, value: result.value as Record<string, unknown> };
  }

  /** Forgets the actor's draft (start over). */
  async discardDraft(actor: Actor): Promise<void> {
    await this.deps.drafts.delete(actor);
  }

  /**
   * Whether the draft can be submitted, and if not the first section to complete: an expected
   * outcome of the summary's Submit, not a refusal (submit itself still refuses an incomplete one).
   */
  async readiness(actor: Actor): Promise<SubmitReadiness> {
    const draft = await this.requireDraft(actor);
    if (validateAnswers(draft.answers).ok) return { kind: 'ready' };
    return { kind: 'incomplete', section: firstIncompleteSection(draft.answers) ?? 'partnerType' };
  }

  /**
   * Submits the draft: creates the partner (or resubmits the rejected one), makes the actor
   * Global admin + Admin agent, and mails a code to the contact unless that email was already
   * verified. Unique indexes make a second partner for the tenant or PartnerID impossible. A new
   * partner's insert names its founder, so a crash before the roster cannot leave it without one.
   */
  async submit(actor: Actor, language: Language): Promise<Partner> {
    const draft = await this.requireDraft(actor);
    const checked = validateAnswers(draft.answers);
    if (!checked.ok) {
      const section = firstIncompleteSection(draft.answers) ?? 'partnerType';
      throw new InvalidError('enrollment:errors.incomplete', { context: section });
    }
    const answers = checked.value;
    const now = this.deps.now();
    const submittedBy: PersonRef = {
      tenantId: actor.tenantId,
      aadObjectId: actor.aadObjectId,
      name: actor.name,
    };
    let partner: Partner;
    const existing = await this.deps.partners.findByTenant(actor.tenantId);
    try {
      if (!existing) {
        // The founder rides on the partner's own insert: if the roster write below never
        // happens, the next turn, the verification or the sweep makes it (settleFounder).
        partner = await this.deps.partners.create({
          ...answers,
          tenantId: actor.tenantId,
          status: 'emailVerificationPending',
          submittedBy,
          submittedAt: now,
          language,
          owedFounder: { ...submittedBy, since: now },
        });
      } else if (existing.status === 'rejected') {
        await this.deps.memberships.authorize(actor, 'enrollment.resubmit');
        const alreadyVerified = existing.verifiedEmail === answers.contactEmail;
        const unset = (['addressLine2', 'region'] as const).filter((f) => answers[f] === undefined);
        const updated = await this.deps.partners.transition(existing.id, 'rejected', {
          set: {
            ...answers,
            status: alreadyVerified ? 'underReview' : 'emailVerificationPending',
            ...(alreadyVerified ? { noticeOwedAt: now } : {}),
            submittedBy,
            submittedAt: now,
            language,
          },
          unset: ['decision', ...unset],
        });
        if (!updated) throw new ConflictError('errors:conflict');
        partner = updated;
      } else if (this.interruptedSubmit(existing, actor, draft.answers, now)) {
        // The record was created but the steps after it (roles, code mail) never ran.
        partner = existing;
      } else {
        throw new ConflictError('enrollment:errors.tenantAlreadyEnrolled', {
          context: existing.status,
        });
      }
    } catch (err) {
      if (err instanceof DuplicatePartnerError)
        throw await this.duplicateError(err.field, actor, answers.partnerId);
      throw err;
    }
    if (existing?.status === 'rejected') await this.deps.memberships.addEnroller(partner, actor);
    else await this.deps.memberships.settleFounder(partner);
    await this.deps.drafts.delete(actor);
    this.log.info(
      { partnerRef: partner.id, status: partner.status, resubmitted: !!existing },
      'application submitted'
    );
    if (partner.status === 'emailVerificationPending') {
      await this.deps.verification.send(
        partner.id,
        partner.contactEmail,
        language,
        { name: partner.contactFirstName, legalName: partner.legalName },
        personKey(actor)
      );
    } else {
      await this.deps.notices.afterTransition(partner);
    }
    return partner;
  }

  /**
   * Checks the code mailed to the contact (any user of the tenant may type it: the code is the
   * proof). On success the application goes under review and the operators are told, once.
   */
  async verify(actor: Actor, code: string): Promise<Partner> {
    const partner = await this.deps.partners.findByTenant(actor.tenantId);
    if (!partner) throw new NotFoundError('enrollment:errors.noApplication');
    if (partner.status !== 'emailVerificationPending') {
      throw new NotPendingVerificationError(partner.status);
    }
    // Before the code is spent: an application nobody could manage never goes under review.
    await this.deps.memberships.requireGlobalAdmin(partner);
    await this.deps.verification.check(partner.id, code, personKey(actor));
    const updated = await this.deps.partners.transition(partner.id, 'emailVerificationPending', {
      set: {
        status: 'underReview',
        verifiedEmail: partner.contactEmail,
        emailVerifiedAt: this.deps.now(),
        noticeOwedAt: this.deps.now(),
      },
    });
    if (!updated) {
      // Someone else's verify (a double submit) got there first: nothing more to do.
      return (await this.deps.partners.get(partner.id)) ?? partner;
    }
    await this.deps.notices.afterTransition(updated);
    return updated;
  }

  /**
   * A submit of this actor's own draft that created the record and then died (a crash, the
   * database gone) before the enroller's roles and the code mail: submitting again finishes it.
   * Only once the first request is surely over, so a double click still gets a conflict.
   */
  private interruptedSubmit(
    existing: Partner,
    actor: Actor,
    answers: EnrollmentDraft['answers'],
    now: Date
  ): boolean {
    return (
      existing.status === 'emailVerificationPending' &&
      existing.submittedBy.aadObjectId === actor.aadObjectId &&
      existing.partnerId === answers.partnerId &&
      now.getTime() - existing.submittedAt.getTime() > INTERRUPTED_SUBMIT_AFTER_MS
    );
  }

  /** Mails a new code to the contact, after the cooldown. */
  async resendCode(actor: Actor, language: Language): Promise<Partner> {
    const partner = await this.deps.partners.findByTenant(actor.tenantId);
    if (!partner) throw new NotFoundError('enrollment:errors.noApplication');
    if (partner.status !== 'emailVerificationPending') {
      throw new NotPendingVerificationError(partner.status);
    }
    await this.deps.verification.resend(
      partner.id,
      partner.contactEmail,
      language,
      { name: partner.contactFirstName, legalName: partner.legalName },
      personKey(actor)
    );
    return partner;
  }

  /**
   * Where the actor's organization stands. Users of the tenant without a role see the status
   * only (the card hides details); a user of another tenant never sees this partner at all.
   */
  /**
   * Whether `enroll` is something this user can do next: their tenant has no partner yet, or
   * its application was rejected (then a Global admin resubmits). Operators review, not enroll.
   */
  async mayEnroll(actor: Actor): Promise<boolean> {
    if (this.deps.memberships.isOperator(actor)) return false;
    const partner = await this.deps.partners.findByTenant(actor.tenantId);
    return !partner || partner.status === 'rejected';
  }

  async status(actor: Actor): Promise<EnrollmentStatus> {
    const { partner, roles } = await this.deps.memberships.rolesOf(actor);
    // Once the tenant has a partner, its state is the status: a draft (a resubmission in
    // progress) is not shown, so it is not read either, a round trip saved on most turns.
    const draft = partner ? null : await this.deps.drafts.get(actor);
    const resendWaitSeconds =
      partner?.status === 'emailVerificationPending'
        ? await this.deps.verification.resendWaitSeconds(partner.id, personKey(actor))
        : 0;
    return {
      partner,
      draft,
      roles,
      isOperator: this.deps.memberships.isOperator(actor),
      resendWaitSeconds,
    };
  }

  private async requireDraft(actor: Actor): Promise<EnrollmentDraft> {
    const draft = await this.deps.drafts.get(actor);
    if (!draft) throw new NotFoundError('enrollment:errors.noDraft');
    return draft;
  }

  private async duplicateError(
    field: 'tenantId' | 'partnerId',
    actor: Actor,
    partnerId: string
  ): Promise<Error> {
    const holder =
      field === 'tenantId'
        ? await this.deps.partners.findByTenant(actor.tenantId)
        : await this.deps.partners.findByPartnerId(partnerId);
    const key =
      field === 'tenantId'
        ? 'enrollment:errors.tenantAlreadyEnrolled'
        : 'enrollment:errors.partnerIdTaken';
    return new ConflictError(key, { context: holder?.status ?? 'underReview' });
  }
}

/** The answers stored on a partner, as a draft to edit. */
function answersOf(partner: Partner): DraftAnswers {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(FIELD_SCHEMAS)) {
    const value = (partner as unknown as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out as DraftAnswers;
}

/** What Teams already knows: the user's name and email become the primary contact's defaults. */
function prefillFromTeams(actor: Actor): DraftAnswers {
  const out: Record<string, unknown> = {};
  const name = actor.name?.trim();
  if (name) {
    const parts = name.split(/\s+/);
    out.contactFirstName = parts[0];
    if (parts.length > 1) out.contactLastName = parts.slice(1).join(' ');
  }
  if (actor.email && FIELD_SCHEMAS.contactEmail.safeParse(actor.email).success) {
    out.contactEmail = actor.email.trim().toLowerCase();
  }
  return out as DraftAnswers;
}

/** Whose verification throttle applies: one per person, never one per application. */
function personKey(actor: Actor): string {
  return `${actor.tenantId}/${actor.aadObjectId}`;
}
