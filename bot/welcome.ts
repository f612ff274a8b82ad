import { render as renderWelcomeCard, type WelcomeStep } from '../cards/basics/welcome.card.js';
import { cardAttachment } from '../cards/shared/render-card.js';
import { t } from '../i18n/i18n.js';
import type { TurnScope } from './feature.js';
import type { FeatureRegistry } from './feature-registry.js';

/**
 * Next steps the welcome card may offer, in order. A step is shown only when a feature
 * registers that command and it is visible to the user, so features switch steps on by
 * being wired in.
 */
export const WELCOME_STEPS: readonly WelcomeStep[] = [
  { command: 'enroll', titleKey: 'bot:steps.enroll' },
  { command: 'status', titleKey: 'bot:steps.status' },
  { command: 'help', titleKey: 'bot:steps.help' },
];

/** Sends the personal-scope welcome card, or a one-line intro in group chats and channels. */
export async function sendWelcome(scope: TurnScope, registry: FeatureRegistry): Promise<void> {
  if (scope.conversationType !== 'personal') {
    await scope.turn.sendActivity(t(scope.language, 'bot:welcome.groupIntro'));
    return;
  }
  const steps: WelcomeStep[] = [];
  for (const step of WELCOME_STEPS) {
    const command = registry.findCommand(step.command);
    if (command && (await command.visibleTo(scope))) steps.push(step);
  }
  const card = renderWelcomeCard({ name: scope.actor.name, steps }, scope.language);
  await scope.turn.sendActivity({ attachments: [cardAttachment(card)] });
}
