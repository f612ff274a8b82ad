import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { render as renderSection } from '../../cards/enrollment/enrollment-section.card.js';
import { render as renderAnswered } from '../../cards/shared/answered.card.js';
import { answerText } from '../../cards/enrollment/enrollment-text.js';
import {
  SECTION_FIELDS,
  SECTION_IDS,
  type FieldError,
  type SectionId,
} from '../../domain/partners/partner-profile.js';
import type { EnrollmentStep } from '../../domain/enrollment/enrollment-draft.repository.js';
import { t, type Language } from '../../i18n/i18n.js';
import { CardPrompt, cardMessage, type CancelledCard, type CardAnswer } from '../card-prompt.js';
import { turnScope } from '../turn-scope.js';
import { sectionParser } from './enrollment-parsers.js';
import type { EnrollmentServices } from './enrollment-services.js';

/** Dialog id of a section's component dialog. */
export const sectionDialogId = (section: SectionId): string => `enrollment.section.${section}`;

/** Options of a section dialog: editing from the summary returns there after saving. */
export interface SectionDialogOptions {
  readonly returnToSummary?: boolean;
}

/** How a section ended: saved (moved on) or went back. */
export interface SectionDialogResult {
  readonly kind: 'saved' | 'back' | 'ended';
}

const CONTROL_KEYS = new Set(['verb', 'section', 'action']);

/**
 * One section of the form: shows its card (prefilled from the draft), validates the answers
 * where they are given, stores them in the draft (so they survive anything), and re-asks with
 * the specific message for each broken rule.
 */
export class EnrollmentSectionDialog extends ComponentDialog {
  private readonly promptId: string;

  constructor(
    private readonly section: SectionId,
    private readonly services: EnrollmentServices
  ) {
    super(sectionDialogId(section));
    this.promptId = `${sectionDialogId(section)}.prompt`;
    this.addDialog(
      new CardPrompt(
        this.promptId,
        sectionParser(section),
        (p) => this.validate(p),
        // Once answered, the section's card becomes a record of what was saved; the next card
        // is live.
        (answer, language) =>
          renderAnswered(
            {
              // The card clicked may be the next section's (see `validate`): named as clicked.
              title: { key: `enrollment:sections.${answeredSection(answer, section)}` },
              status: {
                key:
                  answer.action === 'back'
                    ? 'enrollment:answered.back'
                    : 'enrollment:answered.saved',
              },
              facts:
                answer.action === 'back'
                  ? []
                  : savedFacts(answeredSection(answer, section), answer, language),
            },
            language
          ),
        cancelledStep(`enrollment:sections.${section}`)
      )
    );
    this.addDialog(
      new WaterfallDialog(`${sectionDialogId(section)}.steps`, [
        this.askStep.bind(this),
        this.doneStep.bind(this),
      ])
    );
    this.initialDialogId = `${sectionDialogId(section)}.steps`;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { actor, language } = turnScope(step.context);
    const options = (step.options ?? {}) as SectionDialogOptions;
    const draft = await this.services.enrollment.draftOf(actor);
    if (!draft) return step.endDialog({ kind: 'ended' } satisfies SectionDialogResult);
    const card = renderSection(
      {
        section: this.section,
        answers: draft.answers,
        tenantId: actor.tenantId,
        editing: !!options.returnToSummary,
        termsUrl: this.services.termsUrl,
      },
      language
    );
    return step.prompt(this.promptId, { prompt: cardMessage(card), validations: options });
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const value = step.result as CardAnswer;
    const result: SectionDialogResult = { kind: value.action === 'back' ? 'back' : 'saved' };
    return step.endDialog(result);
  }

  private async validate(prompt: PromptValidatorContext<CardAnswer>): Promise<boolean> {
    const { actor, language } = turnScope(prompt.context);
    const options = (prompt.options.validations ?? {}) as SectionDialogOptions;
    const reshow = (
      section: SectionId,
      answers: Record<string, unknown>,
      errors: readonly FieldError[] = []
    ) =>
      cardMessage(
        renderSection(
          {
            section,
            answers,
            errors,
            tenantId: actor.tenantId,
            editing: !!options.returnToSummary,
            termsUrl: this.services.termsUrl,
          },
          language
        )
      );
    if (!prompt.recognized.succeeded || !prompt.recognized.value) {
      prompt.options.retryPrompt = {
        type: 'message',
        text: t(language, 'enrollment:form.typedHint', {
          next: t(language, 'enrollment:form.next'),
        }),
      };
      return false;
    }
    const value = prompt.recognized.value;
    const draft = await this.services.enrollment.draftOf(actor);
    if (!draft) return true;
    const section = answeredSection(value, this.section);
    if (typeof value.section === 'string' && value.section !== this.section) {
      // The draft, not this dialog's state, says where the person is: a click on the card of the
      // draft's current step means the turn that showed it saved the draft but lost the dialog
      // state (the database went away before the end of that turn). Take it as that section's
      // answer. Any other section's card is an older one, and a name that is no section is
      // no card of ours: show this section again.
      if (options.returnToSummary || section !== value.section || draft.step !== section) {
        prompt.options.retryPrompt = reshow(this.section, draft.answers);
        return false;
      }
    }
    const index = SECTION_IDS.indexOf(section);
    if (value.action === 'back') {
      if (index === 0 && !options.returnToSummary) {
        prompt.options.retryPrompt = {
          type: 'message',
          text: t(language, 'enrollment:form.firstStep'),
        };
        return false;
      }
      const previous: EnrollmentStep = options.returnToSummary ? 'summary' : SECTION_IDS[index - 1];
      await this.services.enrollment.moveTo(actor, previous);
      return true;
    }
    const inputs = Object.fromEntries(Object.entries(value).filter(([k]) => !CONTROL_KEYS.has(k)));
    const next: EnrollmentStep = options.returnToSummary
      ? 'summary'
      : (SECTION_IDS[index + 1] ?? 'summary');
    const saved = await this.services.enrollment.saveSection(actor, section, inputs, next);
    if (saved.ok) return true;
    prompt.options.retryPrompt = reshow(
      section,
      { ...draft.answers, ...echoable(inputs) },
      echoableErrors(saved.errors)
    );
    return false;
  }
}

/** A step card left waiting when enrollment stops: a read-only "Cancelled" under its title. */
export function cancelledStep(titleKey: string): CancelledCard {
  return {
    card: (language) =>
      renderAnswered(
        { title: { key: titleKey }, status: { key: 'enrollment:answered.cancelled' }, ended: true },
        language
      ),
    replyKey: 'enrollment:dialog.staleCard',
  };
}

/** The section a card answer is for: the one it names, else the dialog's own. */
function answeredSection(answer: CardAnswer, own: SectionId): SectionId {
  const named = answer.section;
  return typeof named === 'string' && (SECTION_IDS as readonly string[]).includes(named)
    ? (named as SectionId)
    : own;
}

/** The answers a saved section's record keeps in view, as the summary shows them. */
function savedFacts(section: SectionId, answer: CardAnswer, language: Language) {
  return SECTION_FIELDS[section]
    .filter((field) => answer[field] !== undefined && answer[field] !== '')
    .map((field) => ({
      label: { key: `enrollment:fields.${field}` },
      value: answerText(language, field, answer[field]),
    }));
}

/** Longer than any answer the form accepts (the support website, 2000). */
const MAX_ECHO = 2000;
const MAX_ECHO_IN_MESSAGE = 80;

/**
 * The refused answers shown again for fixing: text only, cut to a length the form could accept,
 * so a crafted submit (objects, 100 KB strings) cannot make a card Teams refuses (~28 KB limit).
 */
function echoable(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (typeof v === 'string') out[k] = v.slice(0, MAX_ECHO);
    else if (typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** Error messages quote the refused value (an unknown country): quoted short. */
function echoableErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => ({
    ...e,
    values: Object.fromEntries(
      Object.entries(e.values).map(([k, v]) => [
        k,
        typeof v === 'string' && v.length > MAX_ECHO_IN_MESSAGE
          ? `${v.slice(0, MAX_ECHO_IN_MESSAGE)}…`
          : v,
      ])
    ),
  }));
}
