import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { SECTION_IDS } from '../../domain/partners/partner-profile.js';
import { isDomainError } from '../../domain/errors.js';
import { MAX_REASON_LENGTH } from '../../domain/enrollment/review.service.js';
import { t } from '../../i18n/i18n.js';
import { userText } from '../../cards/shared/user-text.js';
import { turnScope } from '../turn-scope.js';
import {
  EnrollmentSectionDialog,
  sectionDialogId,
  type SectionDialogResult,
} from './enrollment-section.dialog.js';
import type { EnrollmentServices } from './enrollment-services.js';
import {
  ENROLLMENT_SUMMARY_DIALOG,
  EnrollmentSummaryDialog,
  type SummaryDialogResult,
} from './enrollment-summary.dialog.js';
import { ENROLLMENT_VERIFY_DIALOG, EnrollmentVerifyDialog } from './enrollment-verify.dialog.js';

/** The enrollment dialog's id (begin it with EnrollmentDialogOptions). */
export const ENROLLMENT_DIALOG = 'enrollmentDialog';
const MAIN = 'enrollment.main';

export interface EnrollmentDialogOptions {
  /** Forget the saved draft and start over (`enroll restart`). */
  readonly restart?: boolean;
  /** Internal: the loop came round again; no greeting. */
  readonly looping?: boolean;
  /** Internal: a section is being edited from the summary. */
  readonly returnToSummary?: boolean;
}

/**
 * Enrollment by chat. The draft in the database, not this dialog's state, says where the person
 * is: each pass shows the draft's current step (a section's component dialog or the summary),
 * then loops. So `back`, Edit, an interruption and even a restart all resume at the right step.
 * After submit the contact's code is asked here (or later with `verify <code>`).
 */
export class EnrollmentDialog extends ComponentDialog {
  constructor(private readonly services: EnrollmentServices) {
    super(ENROLLMENT_DIALOG);
    for (const section of SECTION_IDS)
      this.addDialog(new EnrollmentSectionDialog(section, services));
    this.addDialog(new EnrollmentSummaryDialog(services));
    this.addDialog(new EnrollmentVerifyDialog(services));
    this.addDialog(
      new WaterfallDialog(MAIN, [
        this.startStep.bind(this),
        this.showStep.bind(this),
        this.routeStep.bind(this),
        this.finishStep.bind(this),
      ])
    );
    this.initialDialogId = MAIN;
  }

  private async startStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as EnrollmentDialogOptions;
    if (options.looping) return step.next();
    const { actor, language } = turnScope(step.context);
    try {
      const session = await this.services.enrollment.begin(actor, { restart: options.restart });
      const { draft } = session;
      if (session.rejected && !session.resumed) {
        await step.context.sendActivity(
          t(language, 'enrollment:dialog.resubmit', {
            // Typed by the operator; shown to the applicant as typed, never as markdown.
            reason: userText(session.rejected.decision?.reason ?? '', MAX_REASON_LENGTH),
          })
        );
      } else if (session.resumed) {
        await step.context.sendActivity(
          t(language, 'enrollment:dialog.resumed', {
            section: t(language, `enrollment:sections.${draft.step}`),
          })
        );
      } else {
        await step.context.sendActivity(
          t(language, 'enrollment:dialog.intro', { count: SECTION_IDS.length })
        );
      }
      return step.next();
    } catch (err) {
      // Ending here (not rethrowing) keeps a half-started dialog off the stack.
      if (!isDomainError(err)) throw err;
      await step.context.sendActivity(t(language, err.messageKey, err.values));
      return step.endDialog();
    }
  }

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor } = turnScope(step.context);
    const options = (step.options ?? {}) as EnrollmentDialogOptions;
    const draft = await this.services.enrollment.draftOf(actor);
    if (!draft) return step.endDialog();
    if (draft.step === 'summary') return step.beginDialog(ENROLLMENT_SUMMARY_DIALOG);
    return step.beginDialog(sectionDialogId(draft.step), {
      returnToSummary: !!options.returnToSummary,
    });
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language } = turnScope(step.context);
    const result = step.result as SectionDialogResult | SummaryDialogResult | undefined;
    switch (result?.kind) {
      case 'saved':
      case 'back':
        // After an edit (or backing out of one) the draft's step is the summary again.
        return step.replaceDialog(MAIN, { looping: true, returnToSummary: false });
      case 'edit':
        return step.replaceDialog(MAIN, { looping: true, returnToSummary: true });
      case 'submitted': {
        const { partner } = result;
        if (partner.status !== 'emailVerificationPending') {
          await step.context.sendActivity(t(language, 'enrollment:dialog.submittedVerified'));
          return step.endDialog({ kind: 'submitted', partnerRef: partner.id });
        }
        await step.context.sendActivity(t(language, 'enrollment:dialog.submitted'));
        return step.beginDialog(ENROLLMENT_VERIFY_DIALOG, { email: partner.contactEmail });
      }
      default:
        return step.endDialog();
    }
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
