import { z } from 'zod';
import { TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Feature } from '../../bot/feature.js';
import { CardPrompt, cardMessage, type CardAnswer } from '../../dialogs/card-prompt.js';
import { ConflictError, InvalidError, NotAllowedError } from '../../domain/errors.js';
import { personas } from '../helpers/personas.js';

export const ASK_DIALOG = 'test.ask';
const NAME_PROMPT = 'test.ask.name';
const CODE_PROMPT = 'test.code.prompt';
const PATIENT_PROMPT = 'test.code.patient';

const codeCard = (text: string) =>
  cardMessage({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });

/**
 * `code`: a card prompt that accepts only six digits (so a typed command is not an answer),
 * then a step that refuses 000000 with a DomainError. `verifyish`: like the enrollment's code
 * step, any other text ends it with `{ unhandled: true }`, handing the text back to the bot.
 */
function codeDialogs() {
  const check = (label: string) => async (step: WaterfallStepContext) => {
    const answer = step.result as CardAnswer;
    if (answer.action === 'leave') {
      await step.context.sendActivity('Stopped waiting for the code');
      return step.endDialog({ unhandled: true });
    }
    if (answer.code === '000000') throw new InvalidError();
    await step.context.sendActivity(`${label} ${String(answer.code)} accepted`);
    return step.endDialog();
  };
  const sixDigits = (text: string) => (/^\d{6}$/.test(text) ? { code: text } : undefined);
  return [
    new CardPrompt(CODE_PROMPT, sixDigits),
    new CardPrompt(PATIENT_PROMPT, (text) => sixDigits(text) ?? { action: 'leave' }),
    new WaterfallDialog('test.code', [
      async (step: WaterfallStepContext) =>
        step.prompt(CODE_PROMPT, { prompt: codeCard('Enter the code') }),
      check('Code'),
    ]),
    new WaterfallDialog('test.verifyish', [
      async (step: WaterfallStepContext) =>
        step.prompt(PATIENT_PROMPT, { prompt: codeCard('Enter the mailed code') }),
      check('Mailed code'),
    ]),
  ];
}

/**
 * Features standing in for the product ones: a two-question dialog (`ask`), an operator-only
 * command, commands and card verbs that fail with domain errors, and a card verb that answers.
 */
export function testFeatures(): Feature[] {
  const ask = new WaterfallDialog(ASK_DIALOG, [
    async (step: WaterfallStepContext) => step.prompt(NAME_PROMPT, 'First question: your name?'),
    async (step: WaterfallStepContext) => {
      (step.values as Record<string, unknown>).name = step.result;
      return step.prompt(NAME_PROMPT, 'Second question: your city?');
    },
    async (step: WaterfallStepContext) => {
      await step.context.sendActivity(
        `Thanks ${(step.values as Record<string, unknown>).name} from ${step.result}`
      );
      return step.endDialog();
    },
  ]);
  return [
    {
      dialogs: [ask, new TextPrompt(NAME_PROMPT), ...codeDialogs()],
      // Like the enrollment feature, it offers `enroll` on the welcome card.
      welcomeSteps: [{ command: 'enroll', titleKey: 'bot:steps.enroll' }],
      commands: [
        {
          names: ['ask', 'спросить'],
          descriptionKey: 'bot:commands.cancel',
          scope: 'any',
          visibleTo: () => true,
          run: async (scope) => void (await scope.dc.beginDialog(ASK_DIALOG)),
        },
        {
          names: ['code'],
          descriptionKey: 'bot:commands.help',
          scope: 'any',
          visibleTo: () => true,
          run: async (scope) => void (await scope.dc.beginDialog('test.code')),
        },
        {
          names: ['verifyish'],
          descriptionKey: 'bot:commands.help',
          scope: 'any',
          visibleTo: () => true,
          run: async (scope) => void (await scope.dc.beginDialog('test.verifyish')),
        },
        {
          names: ['info'],
          descriptionKey: 'bot:commands.help',
          scope: 'any',
          visibleTo: () => true,
          run: async (scope) =>
            void (await scope.turn.sendActivity(
              `info ran (dialog ${scope.dc.activeDialog ? 'waiting' : 'none'})`
            )),
        },
        {
          names: ['enroll'],
          descriptionKey: 'bot:commands.help',
          scope: 'any',
          visibleTo: () => true,
          run: async (scope) => void (await scope.turn.sendActivity('enroll ran')),
        },
        {
          names: ['review'],
          descriptionKey: 'bot:commands.language',
          scope: 'any',
          visibleTo: (scope) => scope.actor.aadObjectId === personas.operator.aadObjectId,
          run: async (scope) => {
            if (scope.actor.aadObjectId !== personas.operator.aadObjectId)
              throw new NotAllowedError();
            await scope.turn.sendActivity('review ran');
          },
        },
      ],
      cardActions: [
        {
          verb: 'test.echo',
          schema: z.object({ word: z.string().optional() }).passthrough(),
          scope: 'any',
          handle: async (scope, data) => ({
            reply: `echo ${String(data.word)} for ${scope.actor.name}`,
            card: {
              type: 'AdaptiveCard',
              version: '1.5',
              body: [{ type: 'TextBlock', text: 'updated' }],
            },
          }),
        },
        {
          verb: 'test.conflict',
          schema: z.object({}).passthrough(),
          scope: 'any',
          handle: async () => {
            throw new ConflictError();
          },
        },
      ],
    },
  ];
}
