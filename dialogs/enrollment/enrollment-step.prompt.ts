import type { TurnContext } from 'botbuilder';
import type { PromptValidatorContext } from 'botbuilder-dialogs';
import { render as renderSection } from '../../cards/enrollment/enrollment-section.card.js';
import { render as renderSummary } from '../../cards/enrollment/enrollment-summary.card.js';
import { answerText } from '../../cards/enrollment/enrollment-text.js';
import { render as renderAnswered } from '../../cards/shared/answered.card.js';
import type { AdaptiveCardJson } from '../../cards/shared/render-card.js';
import type {
  EnrollmentDraft,
  EnrollmentStep,
} from '../../domain/enrollment/enrollment-draft-repository.port.js';
import { stepBefore } from '../../domain/enrollment/enrollment-steps.js';
import type { Actor } from '../../domain/partners/actor.js';
import {
  contactDomainMismatch,
  SECTION_FIELDS,
  SECTION_IDS,
  type FieldError,
  type SectionId,
} from '../../domain/partners/partner-profile.js';
import { t, type Language } from '../../i18n/i18n.js';
import { CardPrompt, cardMessage, type CardAnswer } from '../card-prompt.js';
import { turnScope } from '../turn-scope.js';
import { sectionParser, summaryParser } from './enrollment-parsers.js';
import type { EnrollmentServices } from './enrollment-services.js';

/** Dialog id of the prompt that asks the draft's current step. */
export const ENROLLMENT_STEP_PROMPT = 'enrollment.step';

/**
 * An answer to the draft's current step, as the prompt accepted it: checked, nothing written
 * yet (the dialog's next step writes it). `gone`: the draft is no more (submitted, restarted).
 */
export type StepAnswer =
  | {
      readonly kind: 'save';
      readonly section: SectionId;
      readonly inputs: Record<string, unknown>;
    }
  | { readonly kind: 'back'; readonly from: EnrollmentStep }
  | { readonly kind: 'edit'; readonly section: SectionId }
  | { readonly kind: 'submit' }
  | { readonly kind: 'gone' };

const CONTROL_KEYS = new Set(['verb', 'section', 'action']);

/**
 * The prompt for whatever step the draft is at: a section's card or the summary. It keeps no
 * step of its own: what a reply answers, and whether it is acceptable, is judged against the
 * draft when the reply comes, so a dialog state older than the draft (a turn that saved the
 * draft but not the state) or none at all (begun again by a click) cannot disagree with it.
 */
export function enrollmentStepPrompt(services: EnrollmentServices): CardPrompt {
  const draftOf = (context: TurnContext) => services.enrollment.draftOf(turnScope(context).actor);
  return new CardPrompt(
    ENROLLMENT_STEP_PROMPT,
    async (text, language, context) => {
      const draft = await draftOf(context);
      if (!draft) return undefined;
      const parse = draft.step === 'summary' ? summaryParser : sectionParser(draft.step);
      return parse(text, language, context);
    },
    (prompt) => judge(services, prompt),
    (answer, language) => answeredCard(answer as StepAnswer, language),
    {
      card: async (language, context) => {
        const draft = await draftOf(context);
        return draft ? cancelledCard(draft.step, language) : undefined;
      },
      replyKey: 'enrollment:dialog.staleCard',
    }
  );
}

/** The card that asks the draft's step, prefilled from the draft (or the refused answers). */
export async function stepCard(
  services: EnrollmentServices,
  actor: Actor,
  draft: EnrollmentDraft,
  language: Language,
  refused?: { answers: Record<string, unknown>; errors: readonly FieldError[] }
): Promise<AdaptiveCardJson> {
  if (draft.step !== 'summary') {
    return renderSection(
      {
        section: draft.step,
        answers: refused?.answers ?? draft.answers,
        errors: refused?.errors ?? [],
        tenantId: actor.tenantId,
        editing: !!draft.editing,
        termsUrl: services.termsUrl,
      },
      language
    );
  }
  // A resubmission shows why it was rejected.
  const rejectedReason = draft.resubmitOf
    ? (await services.enrollment.status(actor)).partner?.decision?.reason
    : undefined;
  const contactDomain = contactDomainMismatch(actor.email, draft.answers.contactEmail);
  return renderSummary({ answers: draft.answers, rejectedReason, contactDomain }, language);
}

/** True when a card click names the draft's step: the card the person should be answering. */
export function answersStep(draft: EnrollmentDraft, value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const { section, action } = value as CardAnswer;
  if (draft.step === 'summary')
    return action === 'edit' || action === 'submit' || action === 'back';
  return section === draft.step;
}

/**
 * Validates only: the reply is taken as the answer to the draft's step, or refused with the
 * card asked again (the refused answers kept, each broken rule under its field).
 */
async function judge(
  services: EnrollmentServices,
  prompt: PromptValidatorContext<CardAnswer>
): Promise<boolean> {
  const { actor, language } = turnScope(prompt.context);
  const draft = await services.enrollment.draftOf(actor);
  const accept = (answer: StepAnswer) => {
    prompt.recognized.value = answer as unknown as CardAnswer;
    return true;
  };
  if (!draft) return accept({ kind: 'gone' });
  const value = prompt.recognized.succeeded ? prompt.recognized.value : undefined;
  const reask = async (refused?: Parameters<typeof stepCard>[4]) => {
    prompt.options.retryPrompt = cardMessage(
      await stepCard(services, actor, draft, language, refused)
    );
    return false;
  };
  if (draft.step === 'summary') {
    const answer = summaryAnswer(value);
    return answer ? accept(answer) : reask();
  }
  const section = draft.step;
  if (!value) {
    prompt.options.retryPrompt = {
      type: 'message',
      text: t(language, 'enrollment:form.typedHint', { next: t(language, 'enrollment:form.next') }),
    };
    return false;
  }
  // Another section's card is an older one, and a name that is no section is no card of ours:
  // the draft's step is asked again.
  if (typeof value.section === 'string' && value.section !== section) return reask();
  if (value.action === 'back') {
    if (stepBefore(draft) !== null) return accept({ kind: 'back', from: section });
    prompt.options.retryPrompt = {
      type: 'message',
      text: t(language, 'enrollment:form.firstStep'),
    };
    return false;
  }
  const inputs = Object.fromEntries(Object.entries(value).filter(([k]) => !CONTROL_KEYS.has(k)));
  const checked = await services.enrollment.checkSection(actor, section, inputs);
  if (checked.ok) return accept({ kind: 'save', section, inputs });
  return reask({
    answers: { ...draft.answers, ...echoable(inputs) },
    errors: echoableErrors(checked.errors),
  });
}

function summaryAnswer(value: CardAnswer | undefined): StepAnswer | undefined {
  if (value?.action === 'edit') {
    const section = value.section;
    return (SECTION_IDS as readonly unknown[]).includes(section)
      ? { kind: 'edit', section: section as SectionId }
      : undefined;
  }
  if (value?.action === 'back') return { kind: 'back', from: 'summary' };
  if (value?.action === 'submit') return { kind: 'submit' };
  return undefined;
}

/** Once answered, the step's card becomes a record of the answer; the next card is live. */
function answeredCard(answer: StepAnswer, language: Language): AdaptiveCardJson | undefined {
  switch (answer.kind) {
    case 'save':
      return renderAnswered(
        {
          title: { key: `enrollment:sections.${answer.section}` },
          status: { key: 'enrollment:answered.saved' },
          facts: savedFacts(answer.section, answer.inputs, language),
        },
        language
      );
    case 'back':
      return answer.from === 'summary'
        ? summaryRecord('enrollment:answered.back', '', language)
        : renderAnswered(
            {
              title: { key: `enrollment:sections.${answer.from}` },
              status: { key: 'enrollment:answered.back' },
              facts: [],
            },
            language
          );
    case 'edit':
      return summaryRecord('enrollment:answered.editing', answer.section, language);
    case 'submit':
      return summaryRecord('enrollment:answered.submitted', '', language);
    case 'gone':
      return undefined;
  }
}

function summaryRecord(status: string, section: string, language: Language): AdaptiveCardJson {
  return renderAnswered(
    { title: { key: 'enrollment:summary.title' }, status: { key: status, values: { section } } },
    language
  );
}

/** A step card left waiting when enrollment stops: a read-only "Cancelled" under its title. */
function cancelledCard(step: EnrollmentStep, language: Language): AdaptiveCardJson {
  const title = step === 'summary' ? 'enrollment:summary.title' : `enrollment:sections.${step}`;
  return renderAnswered(
    { title: { key: title }, status: { key: 'enrollment:answered.cancelled' }, ended: true },
    language
  );
}

/** The answers a saved section's record keeps in view, as the summary shows them. */
function savedFacts(section: SectionId, inputs: Record<string, unknown>, language: Language) {
  return SECTION_FIELDS[section]
    .filter((field) => inputs[field] !== undefined && inputs[field] !== '')
    .map((field) => ({
      label: { key: `enrollment:fields.${field}` },
      value: answerText(language, field, inputs[field]),
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
