import type { UserRef } from '../partners/actor.js';
import type { DraftAnswers, SectionId } from '../partners/partner-profile.js';

/** Where the dialog stands: a section, or the summary with Submit. */
export type EnrollmentStep = SectionId | 'summary';

/**
 * An enrollment in progress (status `draft`), one per user: saved after every answer so an
 * interrupted enrollment resumes where it stopped, also after a restart.
 */
export interface EnrollmentDraft {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly answers: DraftAnswers;
  readonly step: EnrollmentStep;
  /** Set when the draft resubmits a rejected application (its record id). */
  readonly resubmitOf?: string;
  readonly updatedAt: Date;
}

/** Drafts by user. */
export interface EnrollmentDraftRepository {
  get(user: UserRef): Promise<EnrollmentDraft | null>;
  /** Creates or replaces the user's draft. */
  save(draft: EnrollmentDraft): Promise<void>;
  delete(user: UserRef): Promise<void>;
}
