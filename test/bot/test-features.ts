import { TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Feature } from '../../bot/feature.js';
import { ConflictError, NotAllowedError } from '../../domain/errors.js';
import { personas } from '../helpers/personas.js';

export const ASK_DIALOG = 'test.ask';
const NAME_PROMPT = 'test.ask.name';

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
      await step.context.sendActivity(`Thanks ${(step.values as Record<string, unknown>).name} from ${step.result}`);
      return step.endDialog();
    },
  ]);
  return [
    {
      dialogs: [ask, new TextPrompt(NAME_PROMPT)],
      commands: [
        {
          names: ['ask', 'спросить'],
          descriptionKey: 'bot:commands.cancel',
          visibleTo: () => true,
          run: async (scope) => void (await scope.dc.beginDialog(ASK_DIALOG)),
        },
        {
          names: ['enroll'],
          descriptionKey: 'bot:commands.help',
          visibleTo: () => true,
          run: async (scope) => void (await scope.turn.sendActivity('enroll ran')),
        },
        {
          names: ['review'],
          descriptionKey: 'bot:commands.language',
          visibleTo: (scope) => scope.actor.aadObjectId === personas.operator.aadObjectId,
          run: async (scope) => {
            if (scope.actor.aadObjectId !== personas.operator.aadObjectId) throw new NotAllowedError();
            await scope.turn.sendActivity('review ran');
          },
        },
      ],
      cardActions: [
        {
          verb: 'test.echo',
          handle: async (scope, data) => ({
            reply: `echo ${String(data.word)} for ${scope.actor.name}`,
            card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'updated' }] },
          }),
        },
        {
          verb: 'test.conflict',
          handle: async () => {
            throw new ConflictError();
          },
        },
      ],
    },
  ];
}
