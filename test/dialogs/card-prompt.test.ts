import { expect } from 'chai';
import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import {
  CardPrompt,
  cardMessage,
  choiceParser,
  choicePromptOptions,
} from '../../dialogs/card-prompt.js';
import { turnScope } from '../../dialogs/turn-scope.js';
import type { CardChoice } from '../../cards/shared/choice.card.js';
import { render as renderLanguageCard } from '../../cards/basics/language.card.js';
import { DialogTurnStatus, itRunsDialogCases, replyText } from '../helpers/dialog-client.js';
import { personas, withLocale } from '../helpers/personas.js';

const LANGUAGE_CHOICES: CardChoice[] = [
  { value: 'en', titleKey: 'common:languages.en' },
  { value: 'ru', titleKey: 'common:languages.ru' },
];

/** A dialog as a feature would write it: a choice card, then a card form, then one result. */
class PickDialog extends ComponentDialog {
  constructor() {
    super('test.pick');
    this.addDialog(new CardPrompt('choice', choiceParser(LANGUAGE_CHOICES)));
    this.addDialog(new CardPrompt('form'));
    this.addDialog(
      new WaterfallDialog('steps', [
        this.chooseStep.bind(this),
        this.formStep.bind(this),
        this.finishStep.bind(this),
      ])
    );
    this.initialDialogId = 'steps';
  }

  private async chooseStep(step: WaterfallStepContext) {
    return step.prompt(
      'choice',
      choicePromptOptions(turnScope(step.context).language, 'bot:language.text', LANGUAGE_CHOICES)
    );
  }

  private async formStep(step: WaterfallStepContext) {
    (step.values as Record<string, unknown>).choice = (step.result as { choice: string }).choice;
    return step.prompt('form', {
      prompt: cardMessage(renderLanguageCard({ current: 'en' }, 'en')),
    });
  }

  private async finishStep(step: WaterfallStepContext) {
    const scope = turnScope(step.context);
    return step.endDialog({
      choice: (step.values as Record<string, unknown>).choice,
      form: step.result,
      by: scope.actor.aadObjectId,
    });
  }
}

describe('CardPrompt (DialogTestClient, msteams)', () => {
  itRunsDialogCases(
    () => new PickDialog(),
    [
      {
        name: 'offers the choices as Adaptive Card buttons, not imBack',
        steps: [
          [
            'hi',
            (reply) => {
              const card = reply?.attachments?.[0];
              expect(card?.contentType).to.equal('application/vnd.microsoft.card.adaptive');
              const actions = (
                card?.content as { actions: { type: string; title: string; data: unknown }[] }
              ).actions;
              expect(actions.map((a) => [a.type, a.title, a.data])).to.deep.equal([
                ['Action.Submit', 'English', { choice: 'en' }],
                ['Action.Submit', 'Russian', { choice: 'ru' }],
              ]);
            },
          ],
        ],
        expectedStatus: DialogTurnStatus.waiting,
      },
      {
        name: 'accepts clicked buttons and submitted card values',
        steps: [
          ['hi', 'Which language'],
          [{ value: { choice: 'ru' } }, 'Choose your language'],
          [{ value: { verb: 'language.set', language: 'en' } }, null],
        ],
        expectedStatus: DialogTurnStatus.complete,
        expectedResult: (result) =>
          expect(result).to.deep.equal({
            choice: 'ru',
            form: { verb: 'language.set', language: 'en' },
            by: personas.reseller.aadObjectId,
          }),
      },
      {
        name: 'accepts a typed choice by its title in another language',
        persona: withLocale(personas.customer, 'ru-RU'),
        steps: [
          ['привет', 'На каком языке'],
          ['Английский', 'Choose your language'],
        ],
        expectedStatus: DialogTurnStatus.waiting,
      },
      {
        name: 'accepts a typed choice by number',
        steps: [
          ['hi', 'Which language'],
          ['2', 'Choose your language'],
        ],
      },
      {
        name: 'asks again, in the user language, when the typed text matches no choice',
        persona: withLocale(personas.customer, 'ru-RU'),
        steps: [
          ['привет', 'На каком языке'],
          ['французский', 'Заполните карточку выше'],
          ['ru', (reply) => expect(replyText(reply)).to.include('Choose your language')],
        ],
        expectedStatus: DialogTurnStatus.waiting,
      },
    ]
  );
});
