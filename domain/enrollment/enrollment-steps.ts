import { SECTION_IDS } from '../partners/partner-profile.js';
import type { EnrollmentDraft, EnrollmentStep } from './enrollment-draft-repository.port.js';

/** Where a draft stands: its step, and whether that section is being edited from the summary. */
export type DraftPosition = Pick<EnrollmentDraft, 'step' | 'editing'>;

/**
 * The step that follows a saved section: the next section in order, or the summary after the
 * last one; an edit started from the summary goes back there.
 */
export function stepAfterSave(position: DraftPosition): EnrollmentStep {
  if (position.editing || position.step === 'summary') return 'summary';
  return SECTION_IDS[SECTION_IDS.indexOf(position.step) + 1] ?? 'summary';
}

/**
 * The step `back` leads to: the previous section, the last section from the summary, the
 * summary from an edit; null on the first section, where there is nothing to go back to.
 */
export function stepBefore(position: DraftPosition): EnrollmentStep | null {
  if (position.editing) return 'summary';
  if (position.step === 'summary') return SECTION_IDS[SECTION_IDS.length - 1];
  return SECTION_IDS[SECTION_IDS.indexOf(position.step) - 1] ?? null;
}
