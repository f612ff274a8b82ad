import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { render as renderVerify } from '../../cards/enrollment/enrollment-verify.card.js';
import { Verbs } from '../../cards/verbs.js';
import { isDomainError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import { CardPrompt, cardMessage, type CardAnswer } from '../card-prompt.js';
import { handTurnBack, turnScope } from '../turn-scope.js';
import { codeParser } from './enrollment-parsers.js';
import type { EnrollmentServices } from './enrollment-services.js';
import { render as renderAnswered } from '../../cards/shared/answered.card.js';
import { NotPendingVerificationError } from '../../domain/enrollment/enrollment.service.js';

export const ENROLLMENT_VERIFY_DIALOG = 'enrollment.verify';
const PROMPT = 'enrollment.verify.prompt';

export interface VerifyDialogOptions {
  /** Where the code was sent. */
  readonly email: string;
}

/**
 * Asks for the mailed code until it is right, a new one is requested, or the person types
 * something else: then it ends and hands that text back to the bot to act on (they can verify
 * later with `verify <code>`).
 */
export class EnrollmentVerifyDialog extends ComponentDialog {
  constructor(private readonly services: EnrollmentServices) {
    super(ENROLLMENT_VERIFY_DIALOG);
    this.addDialog(
      new CardPrompt(
        PROMPT,
        codeParser,
        (p) => this.validate(p),
        (answer, language) =>
          // Verified: the card is done with. Left or moved on: it stays usable for later.
          answer.action === 'leave' || answer.action === 'done'
            ? undefined
            : renderAnswered(
                {
                  title: { key: 'enrollment:verifyCard.title' },
                  status: { key: 'enrollment:verifyCard.verified' },
                },
                language
              )
      )
    );
    this.addDialog(
      new WaterfallDialog(`${ENROLLMENT_VERIFY_DIALOG}.steps`, [
        this.askStep.bind(this),
        this.doneStep.bind(this),
      ])
    );
    this.initialDialogId = `${ENROLLMENT_VERIFY_DIALOG}.steps`;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language } = turnScope(step.context);
    const { email } = step.options as VerifyDialogOptions;
    const card = renderVerify({ email, minutes: this.services.codeMinutes }, language);
    return step.prompt(PROMPT, { prompt: cardMessage(card), validations: { email } });
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language } = turnScope(step.context);
    const value = step.result as CardAnswer;
    if (value.action === 'done') return step.endDialog({ kind: 'ended' });
    if (value.action === 'leave') {
      // The text was meant for the bot (`status`, a question): it is handled once this ends.
      await step.context.sendActivity(t(language, 'enrollment:dialog.leftCode'));
      handTurnBack(step);
      return step.endDialog({ kind: 'ended' });
    }
    await step.context.sendActivity(t(language, 'enrollment:dialog.verified'));
    return step.endDialog({ kind: 'verified' });
  }

  private async validate(prompt: PromptValidatorContext<CardAnswer>): Promise<boolean> {
    const { actor, language } = turnScope(prompt.context);
    const value = prompt.recognized.value;
    if (!prompt.recognized.succeeded || !value) return false;
    if (value.action === 'leave') return true;
    try {
      if (value.verb === Verbs.enrollmentResendCode) {
        const partner = await this.services.enrollment.resendCode(actor, language);
        prompt.options.retryPrompt = {
          type: 'message',
          text: t(language, 'enrollment:dialog.codeSent', { email: partner.contactEmail }),
        };
        return false;
      }
      // Only text is a code: an array or object from a crafted card must not cost an attempt.
      const code = typeof value.code === 'string' ? value.code : '';
      await this.services.enrollment.verify(actor, code);
      return true;
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // The application moved on (verified elsewhere, decided): nothing left to ask here.
      if (err instanceof NotPendingVerificationError) {
        await prompt.context.sendActivity(t(language, err.messageKey, err.values));
        prompt.recognized.value = { action: 'done' };
        return true;
      }
      // A refused code (wrong, expired, used up) shows under the code field, what was typed kept,
      // as the form's sections show theirs: the card is where the person is looking.
      const { email } = (prompt.options.validations ?? {}) as Partial<VerifyDialogOptions>;
      const text = t(language, err.messageKey, err.values);
      // A prompt saved before the card knew its address: the reason alone, as before.
      if (email === undefined) {
        prompt.options.retryPrompt = { type: 'message', text };
        return false;
      }
      prompt.options.retryPrompt = cardMessage(
        renderVerify(
          {
            email,
            minutes: this.services.codeMinutes,
            code: typeof value.code === 'string' ? value.code : '',
            error: text,
          },
          language
        )
      );
      return false;
    }
  }
}
