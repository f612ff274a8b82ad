import type { UserRef } from '../partners/actor.js';
import type { DraftAnswers, SectionId } from '../partners/partner-profile.js';

/** Where the person stands: a section, or the summary with Submit. The draft is the one record of it. */
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
  /**
   * The section at `step` was opened with Edit on the summary: saving it or going back returns
   * to the summary. Kept here, not in the dialog's state, so a lost dialog resumes the same way.
   */
  readonly editing?: boolean;
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
