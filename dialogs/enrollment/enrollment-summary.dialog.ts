import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { render as renderSummary } from '../../cards/enrollment/enrollment-summary.card.js';
import {
  contactDomainMismatch,
  SECTION_IDS,
  type SectionId,
} from '../../domain/partners/partner-profile.js';
import { isDomainError } from '../../domain/errors.js';
import type { Partner } from '../../domain/partners/partner.js';
import { t } from '../../i18n/i18n.js';
import { CardPrompt, cardMessage, type CardAnswer } from '../card-prompt.js';
import { turnScope } from '../turn-scope.js';
import { summaryParser } from './enrollment-parsers.js';
import { cancelledStep } from './enrollment-section.dialog.js';
import type { EnrollmentServices } from './enrollment-services.js';
import { render as renderAnswered } from '../../cards/shared/answered.card.js';

export const ENROLLMENT_SUMMARY_DIALOG = 'enrollment.summary';
const PROMPT = 'enrollment.summary.prompt';

/** How the summary ended: a section to edit, back to the last section, submitted, or stopped. */
export type SummaryDialogResult =
  | { readonly kind: 'edit' | 'back' | 'ended' }
  | { readonly kind: 'submitted'; readonly partner: Partner };

/** Everything at a glance, an Edit button per section, and Submit (one service call). */
export class EnrollmentSummaryDialog extends ComponentDialog {
  constructor(private readonly services: EnrollmentServices) {
    super(ENROLLMENT_SUMMARY_DIALOG);
    this.addDialog(
      new CardPrompt(
        PROMPT,
        summaryParser,
        (p) => this.validate(p),
        (answer, language) =>
          renderAnswered(
            {
              title: { key: 'enrollment:summary.title' },
              status: {
                key:
                  answer.action === 'submit'
                    ? 'enrollment:answered.submitted'
                    : answer.action === 'edit'
                      ? 'enrollment:answered.editing'
                      : 'enrollment:answered.back',
                values: { section: String(answer.section ?? '') },
              },
            },
            language
          ),
        cancelledStep('enrollment:summary.title')
      )
    );
    this.addDialog(
      new WaterfallDialog(`${ENROLLMENT_SUMMARY_DIALOG}.steps`, [
        this.showStep.bind(this),
        this.actStep.bind(this),
      ])
    );
    this.initialDialogId = `${ENROLLMENT_SUMMARY_DIALOG}.steps`;
  }

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor, language } = turnScope(step.context);
    const { draft, rejectedReason } = await this.load(actor);
    if (!draft) return step.endDialog({ kind: 'ended' } satisfies SummaryDialogResult);
    const contactDomain = contactDomainMismatch(actor.email, draft.answers.contactEmail);
    const card = renderSummary({ answers: draft.answers, rejectedReason, contactDomain }, language);
    return step.prompt(PROMPT, { prompt: cardMessage(card), retryPrompt: cardMessage(card) });
  }

  private async actStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor, language } = turnScope(step.context);
    const value = step.result as CardAnswer;
    const end = (result: SummaryDialogResult) => step.endDialog(result);
    if (value.action === 'edit') {
      await this.services.enrollment.moveTo(actor, value.section as SectionId);
      return end({ kind: 'edit' });
    }
    if (value.action === 'back') {
      await this.services.enrollment.moveTo(actor, SECTION_IDS[SECTION_IDS.length - 1]);
      return end({ kind: 'back' });
    }
    const readiness = await this.services.enrollment.readiness(actor);
    if (readiness.kind === 'incomplete') {
      await step.context.sendActivity(
        t(language, 'enrollment:errors.incomplete', { context: readiness.section })
      );
      await this.services.enrollment.moveTo(actor, readiness.section);
      return end({ kind: 'edit' });
    }
    try {
      const partner = await this.services.enrollment.submit(actor, language);
      return end({ kind: 'submitted', partner });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      // A conflict (the tenant or PartnerID got enrolled meanwhile) ends the form; the draft stays.
      await step.context.sendActivity(t(language, err.messageKey, err.values));
      return end({ kind: 'ended' });
    }
  }

  private async validate(prompt: PromptValidatorContext<CardAnswer>): Promise<boolean> {
    const value = prompt.recognized.value;
    if (!prompt.recognized.succeeded || !value) return false;
    if (value.action === 'edit') return (SECTION_IDS as readonly unknown[]).includes(value.section);
    return value.action === 'submit' || value.action === 'back';
  }

  private async load(actor: Parameters<EnrollmentServices['enrollment']['draftOf']>[0]) {
    const draft = await this.services.enrollment.draftOf(actor);
    let rejectedReason: string | undefined;
    if (draft?.resubmitOf) {
      const status = await this.services.enrollment.status(actor);
      rejectedReason = status.partner?.decision?.reason;
    }
    return { draft, rejectedReason };
  }
}
