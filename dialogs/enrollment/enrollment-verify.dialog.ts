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
import {
  CardPrompt,
  answeredCardOf,
  cardMessage,
  replaceCard,
  type CardAnswer,
  type CardPromptOptions,
} from '../card-prompt.js';
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
  /** Internal: asked again on the same card, with what was typed and why it was refused. */
  readonly again?: { readonly card?: string; readonly code?: string; readonly error?: string };
}

/** What the code prompt accepted: nothing checked yet (the step checks and writes). */
type CodeAnswer =
  | { readonly kind: 'code'; readonly code: string; readonly card?: string }
  | { readonly kind: 'resend'; readonly card?: string }
  | { readonly kind: 'leave' };

/**
 * Asks for the mailed code until it is right, a new one is requested, or the person types
 * something else: then it ends and hands that text back to the bot to act on (they can verify
 * later with `verify <code>`).
 */
export class EnrollmentVerifyDialog extends ComponentDialog {
  constructor(private readonly services: EnrollmentServices) {
    super(ENROLLMENT_VERIFY_DIALOG);
    this.addDialog(new CardPrompt(PROMPT, codeParser, (p) => this.validate(p)));
    this.addDialog(
      new WaterfallDialog(`${ENROLLMENT_VERIFY_DIALOG}.steps`, [
        this.askStep.bind(this),
        this.checkStep.bind(this),
      ])
    );
    this.initialDialogId = `${ENROLLMENT_VERIFY_DIALOG}.steps`;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language } = turnScope(step.context);
    const { email, again } = step.options as VerifyDialogOptions;
    const options: CardPromptOptions = {
      // A new code mailed: the card on screen stays as it is and keeps waiting.
      prompt:
        again && again.error === undefined
          ? undefined
          : cardMessage(
              renderVerify(
                {
                  email,
                  minutes: this.services.codeMinutes,
                  ...(again ? { code: again.code ?? '', error: again.error } : {}),
                },
                language
              )
            ),
      replaces: again?.card,
    };
    return step.prompt(PROMPT, options);
  }

  /** Checks the code (an attempt counted) or mails a new one: the writes happen here. */
  private async checkStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor, language } = turnScope(step.context);
    const { email } = step.options as VerifyDialogOptions;
    const answer = step.result as CodeAnswer;
    if (answer.kind === 'leave') {
      // The text was meant for the bot (`status`, a question): it is handled once this ends.
      await step.context.sendActivity(t(language, 'enrollment:dialog.leftCode'));
      handTurnBack(step);
      return step.endDialog({ kind: 'ended' });
    }
    const again = (values: VerifyDialogOptions['again']) =>
      step.replaceDialog(ENROLLMENT_VERIFY_DIALOG, {
        email,
        again: { card: answer.card, ...values },
      });
    try {
      if (answer.kind === 'resend') {
        const partner = await this.services.enrollment.resendCode(actor, language);
        await step.context.sendActivity(
          t(language, 'enrollment:dialog.codeSent', { email: partner.contactEmail })
        );
        return await again({});
      }
      await this.services.enrollment.verify(actor, answer.code);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // The application moved on (verified elsewhere, decided): nothing left to ask here.
      if (err instanceof NotPendingVerificationError) {
        await step.context.sendActivity(t(language, err.messageKey, err.values));
        return step.endDialog({ kind: 'ended' });
      }
      // A refused code (wrong, expired, used up) shows under the code field, what was typed kept,
      // as the form's sections show theirs: the card is where the person is looking.
      const code = answer.kind === 'code' ? answer.code : '';
      return again({ code, error: t(language, err.messageKey, err.values) });
    }
    // Verified: the card is done with.
    const verified = renderAnswered(
      {
        title: { key: 'enrollment:verifyCard.title' },
        status: { key: 'enrollment:verifyCard.verified' },
      },
      language
    );
    if (answer.card) await replaceCard(step.context, answer.card, verified);
    await step.context.sendActivity(t(language, 'enrollment:dialog.verified'));
    return step.endDialog({ kind: 'verified' });
  }

  /** Validates only: a code (text; an array or object from a crafted card is none), a resend, or leave. */
  private async validate(prompt: PromptValidatorContext<CardAnswer>): Promise<boolean> {
    const value = prompt.recognized.value;
    if (!prompt.recognized.succeeded || !value) return false;
    const card = answeredCardOf(prompt);
    const answer: CodeAnswer =
      value.action === 'leave'
        ? { kind: 'leave' }
        : value.verb === Verbs.enrollmentResendCode
          ? { kind: 'resend', card }
          : { kind: 'code', code: typeof value.code === 'string' ? value.code : '', card };
    prompt.recognized.value = answer as unknown as CardAnswer;
    return true;
  }
}
