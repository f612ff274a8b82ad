import { z } from 'zod';
import { render, type DeadLetterView } from '../../../cards/notifications/outbox.card.js';
import { cardAttachment } from '../../../cards/shared/render-card.js';
import { Verbs } from '../../../cards/verbs.js';
import { NotAllowedError } from '../../../domain/errors.js';
import type { OutboxItem } from '../../../notifications/notification-outbox.port.js';
import type { Language } from '../../../i18n/i18n.js';
import { t } from '../../../i18n/i18n.js';
import type { NotificationService } from '../../../notifications/notification.service.js';
import { cardAction, type Feature, type TurnScope } from '../../feature.js';

const retrySchema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/i) });

const short = (s: string) => (s.length > 8 ? `${s.slice(0, 4)}…` : s);

function view(item: OutboxItem): DeadLetterView {
  return {
    id: item.id,
    key: item.key,
    recipient: `${short(item.to.tenantId ?? '?')}:${short(item.to.aadObjectId)}`,
    attempts: item.attempts,
    ...(item.lastError ? { lastError: item.lastError.slice(0, 200) } : {}),
    ...(item.deadAt ? { deadAt: item.deadAt } : {}),
    ...(item.mail ? { mail: item.mail } : {}),
  };
}

/**
 * The operators' window on the outbox: `outbox` shows counts by state and dead letters,
 * Retry puts one back in the queue. On install, what was held for the user is delivered.
 */
export function outboxFeature(deps: {
  readonly notifications: Pick<NotificationService, 'summary' | 'retryDead' | 'deliverPendingFor'>;
  readonly operatorAadObjectIds: readonly string[];
}): Feature {
  const isOperator = (scope: Pick<TurnScope, 'actor'>) =>
    deps.operatorAadObjectIds.includes(scope.actor.aadObjectId);
  const card = async (language: Language, notice?: string) => {
    const { counts, deadLetters } = await deps.notifications.summary(10);
    return render({ counts, dead: deadLetters.map(view), ...(notice ? { notice } : {}) }, language);
  };
  return {
    commands: [
      {
        names: ['outbox', 'очередь'],
        descriptionKey: 'notifications:commands.outbox',
        scope: 'any',
        visibleTo: (scope) => isOperator(scope),
        async run(scope) {
          if (!isOperator(scope)) throw new NotAllowedError();
          await scope.turn.sendActivity({
            attachments: [cardAttachment(await card(scope.language))],
          });
        },
      },
    ],
    cardActions: [
      cardAction({
        verb: Verbs.outboxRetry,
        schema: retrySchema,
        // Dead letters name recipients: operators look at them in their own chat only.
        scope: 'personal',
        async handle(scope, { id }) {
          if (!isOperator(scope)) throw new NotAllowedError();
          const ok = await deps.notifications.retryDead(id);
          const notice = t(
            scope.language,
            ok ? 'notifications:outbox.retried' : 'notifications:outbox.notDead'
          );
          return { card: await card(scope.language, notice) };
        },
        current: async (scope) => (isOperator(scope) ? card(scope.language) : undefined),
      }),
    ],
    async onInstalled(scope) {
      await deps.notifications.deliverPendingFor(scope.actor);
    },
  };
}
