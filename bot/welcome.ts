import { render as renderWelcomeCard, type WelcomeStep } from '../cards/basics/welcome.card.js';
import { render as renderAnswered } from '../cards/shared/answered.card.js';
import type { AdaptiveCardJson } from '../cards/shared/render-card.js';
import { cardAttachment } from '../cards/shared/render-card.js';
import { t, type Language } from '../i18n/i18n.js';
import type { TurnScope } from './feature.js';
import type { FeatureRegistry } from './feature-registry.js';

/** Always last: whatever else is on offer, `help` lists it all. */
const HELP_STEP: WelcomeStep = { command: 'help', titleKey: 'bot:steps.help' };

/**
 * Sends the personal-scope welcome card (a customer's, for a customer's people), or a one-line
 * intro in group chats and channels.
 */
export async function sendWelcome(scope: TurnScope, registry: FeatureRegistry): Promise<void> {
  if (scope.conversationType !== 'personal') {
    await scope.turn.sendActivity(t(scope.language, 'bot:welcome.groupIntro'));
    return;
  }
  // Each feature offers its own next steps; one is shown when its command is visible to this user.
  const steps: WelcomeStep[] = [];
  const offered = [...registry.features.flatMap((f) => f.welcomeSteps ?? []), HELP_STEP];
  for (const step of offered) {
    const command = registry.findCommand(step.command);
    if (command && (await registry.isVisible(scope, command))) steps.push(step);
  }
  // A customer's people are told what the app does for a customer, not how partners enroll.
  const customer = (await scope.standing?.()) === 'customer';
  const card = renderWelcomeCard(
    {
      name: scope.actor.name,
      steps,
      ...(customer ? { introKey: 'customers:welcome.intro' } : {}),
    },
    scope.language
  );
  await scope.turn.sendActivity({ attachments: [cardAttachment(card)] });
}

/**
 * The welcome card once a button was used: a read-only record of the step started; undefined
 * for a command the welcome does not offer (no welcome card sent that click).
 */
export function usedWelcomeCard(
  registry: FeatureRegistry,
  command: string,
  language: Language
): AdaptiveCardJson | undefined {
  const offered = [...registry.features.flatMap((f) => f.welcomeSteps ?? []), HELP_STEP];
  const step = offered.find((s) => s.command === command);
  if (!step) return undefined;
  const started = { key: 'bot:welcome.started', values: { step: t(language, step.titleKey) } };
  return renderAnswered({ title: { key: 'bot:welcome.title' }, status: started }, language);
}
