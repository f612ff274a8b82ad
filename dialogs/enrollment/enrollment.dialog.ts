import {
  ComponentDialog,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { SECTION_IDS } from '../../domain/partners/partner-profile.js';
import { isDomainError } from '../../domain/errors.js';
import { MAX_REASON_LENGTH } from '../../domain/enrollment/review.service.js';
import { t } from '../../i18n/i18n.js';
import { userText } from '../../cards/shared/user-text.js';
import { cardMessage, type CardPromptOptions } from '../card-prompt.js';
import { turnScope } from '../turn-scope.js';
import {
  ENROLLMENT_STEP_PROMPT,
  answersStep,
  enrollmentStepPrompt,
  stepCard,
  type StepAnswer,
} from './enrollment-step.prompt.js';
import type { EnrollmentServices } from './enrollment-services.js';
import { ENROLLMENT_VERIFY_DIALOG, EnrollmentVerifyDialog } from './enrollment-verify.dialog.js';

/** The enrollment dialog's id (begin it with EnrollmentDialogOptions). */
export const ENROLLMENT_DIALOG = 'enrollmentDialog';
const MAIN = 'enrollment.main';

export interface EnrollmentDialogOptions {
  /** Forget the saved draft and start over (`enroll restart`). */
  readonly restart?: boolean;
  /**
   * Begun by a click on a form card while no enrollment dialog runs (its state was cancelled,
   * lost or never saved): when the click is on the draft's step, it is that step's answer.
   */
  readonly resume?: boolean;
  /** Internal: the loop came round again; no greeting. */
  readonly looping?: boolean;
}

/**
 * Enrollment by chat. The draft in the database is the one record of where the person is; this
 * dialog's state only says that a step is being asked. Each pass asks the draft's step (a
 * section's card or the summary), writes the answer through the service, and loops. So `back`,
 * Edit, an interruption, a restart and a lost dialog state all resume at the draft's step.
 * After submit the contact's code is asked here (or later with `verify <code>`).
 */
export class EnrollmentDialog extends ComponentDialog {
  constructor(private readonly services: EnrollmentServices) {
    super(ENROLLMENT_DIALOG);
    this.addDialog(enrollmentStepPrompt(services));
    this.addDialog(new EnrollmentVerifyDialog(services));
    this.addDialog(
      new WaterfallDialog(MAIN, [
        this.startStep.bind(this),
        this.askStep.bind(this),
        this.writeStep.bind(this),
        this.finishStep.bind(this),
      ])
    );
    this.initialDialogId = MAIN;
  }

  /**
   * The dialog's state is disposable, since the draft says where the person is: a state saved
   * by a version whose form had other dialogs (`enrollment.section.*`, `enrollment.summary`)
   * begins again from the draft, a click on its step taken as the answer, instead of failing
   * every turn until the person types `cancel`.
   */
  override async continueDialog(outerDc: DialogContext): Promise<DialogTurnResult> {
    const inner = this.createChildContext(outerDc);
    if (inner?.stack.some((saved) => !this.findDialog(saved.id))) {
      return outerDc.replaceDialog(this.id, { resume: true } satisfies EnrollmentDialogOptions);
    }
    return super.continueDialog(outerDc);
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
      // Only a saved draft has a step the click can be for; a new one starts by asking.
      const takeClick =
        !!options.resume && session.resumed && answersStep(draft, step.context.activity.value);
      return step.next({ takeClick });
    } catch (err) {
      // Ending here (not rethrowing) keeps a half-started dialog off the stack.
      if (!isDomainError(err)) throw err;
      await step.context.sendActivity(t(language, err.messageKey, err.values));
      return step.endDialog();
    }
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor, language } = turnScope(step.context);
    const draft = await this.services.enrollment.draftOf(actor);
    if (!draft) return step.endDialog();
    if ((step.result as { takeClick?: boolean } | undefined)?.takeClick) {
      // The click that began the dialog is the answer: asked in the clicked card, answered now.
      const options: CardPromptOptions = { replaces: step.context.activity.replyToId };
      await step.prompt(ENROLLMENT_STEP_PROMPT, options);
      return step.continueDialog();
    }
    const card = await stepCard(this.services, actor, draft, language);
    return step.prompt(ENROLLMENT_STEP_PROMPT, { prompt: cardMessage(card) });
  }

  /** The one place the form's answers are written; then the loop asks the draft's next step. */
  private async writeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor, language } = turnScope(step.context);
    const { enrollment } = this.services;
    const answer = step.result as StepAnswer;
    const loop = () => step.replaceDialog(MAIN, { looping: true });
    switch (answer.kind) {
      case 'save':
        // Checked by the prompt this turn; were it refused now, the loop asks the step again.
        await enrollment.saveSection(actor, answer.section, answer.inputs);
        return loop();
      case 'back':
        await enrollment.back(actor);
        return loop();
      case 'edit':
        await enrollment.moveTo(actor, answer.section, { editing: true });
        return loop();
      case 'gone':
        return step.endDialog();
      case 'submit':
        break;
    }
    const readiness = await enrollment.readiness(actor);
    if (readiness.kind === 'incomplete') {
      await step.context.sendActivity(
        t(language, 'enrollment:errors.incomplete', { context: readiness.section })
      );
      await enrollment.moveTo(actor, readiness.section, { editing: true });
      return loop();
    }
    let partner;
    try {
      partner = await enrollment.submit(actor, language);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // A conflict (the tenant or PartnerID got enrolled meanwhile) ends the form; the draft stays.
      await step.context.sendActivity(t(language, err.messageKey, err.values));
      return step.endDialog();
    }
    if (partner.status !== 'emailVerificationPending') {
      await step.context.sendActivity(t(language, 'enrollment:dialog.submittedVerified'));
      return step.endDialog({ kind: 'submitted', partnerRef: partner.id });
    }
    await step.context.sendActivity(t(language, 'enrollment:dialog.submitted'));
    return step.beginDialog(ENROLLMENT_VERIFY_DIALOG, { email: partner.contactEmail });
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
