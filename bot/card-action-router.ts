import type { AdaptiveCardJson } from '../cards/shared/render-card.js';
import { withFieldErrors } from '../cards/shared/field-errors.js';
import { withNotice } from '../cards/shared/with-notice.js';
import {
  InvalidError,
  InvalidFieldsError,
  NotAllowedError,
  type DomainError,
} from '../domain/errors.js';
import type { Language } from '../i18n/i18n.js';
import { t } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import { noteTurn } from '../logging/turn-log.js';
import { domainErrorOf, domainErrorText } from './error-replies.js';
import type { CardAction, CardSubject, TurnScope } from './feature.js';
import type { FeatureRegistry } from './feature-registry.js';

/** What the clicker sees: the card in place of the clicked one, and/or a message. */
export interface ClickOutcome {
  readonly card?: AdaptiveCardJson;
  readonly reply?: string;
  /** The shown card is a copy of this subject (record the clicked message as one). */
  readonly recordAs?: CardSubject;
  /** The click was refused (a DomainError): nothing changed. */
  readonly refused?: DomainError;
}

/**
 * The one place a card click is parsed, checked and routed: the verb's schema, where it may run;
 * the result is the clicker's (Agents-for-js' REPLACE_FOR_INTERACTOR). A refused or invalid
 * click keeps the card and shows the reason on it, buttons still there.
 */
export class CardActionRouter {
  constructor(
    private readonly registry: FeatureRegistry,
    private readonly log: Logger
  ) {}

  find(verb: string | undefined): CardAction | undefined {
    return verb ? this.registry.findCardAction(verb) : undefined;
  }

  async run(
    scope: TurnScope,
    action: CardAction,
    data: Record<string, unknown>
  ): Promise<ClickOutcome> {
    noteTurn(scope.turn, { kind: `verb:${action.verb}` });
    if (action.scope === 'personal' && scope.conversationType !== 'personal') {
      // Not even the card as it stands: it is what this chat must not see.
      return this.refused(scope, action, new NotAllowedError('bot:cardAction.personalOnly'));
    }
    try {
      const parsed = action.schema.safeParse(data);
      if (!parsed.success) throw new InvalidError(action.invalidKey ?? 'errors:invalid');
      const result = await action.handle(scope, parsed.data);
      return {
        ...(result.card ? { card: result.card } : {}),
        ...(result.card && result.recordAs ? { recordAs: result.recordAs } : {}),
        ...pickReply(result.reply),
      };
    } catch (err) {
      const refusal = domainErrorOf(err);
      if (!refusal) throw err;
      const current = await action.current?.(scope, data).catch(() => undefined);
      return this.refused(scope, action, refusal, current, data);
    }
  }

  private refused(
    scope: TurnScope,
    action: CardAction,
    refusal: DomainError,
    current?: AdaptiveCardJson,
    data: Record<string, unknown> = {}
  ): ClickOutcome {
    noteTurn(scope.turn, { outcome: 'domainError' });
    this.log.info(
      { errorCode: refusal.code, messageKey: refusal.messageKey, verb: action.verb },
      'card action refused'
    );
    if (current && refusal instanceof InvalidFieldsError) {
      // A refused form: the same card, what was typed kept, each problem next to its field.
      const card = withFieldErrors(current, refusal.fields, scope.language, { values: data });
      return { card, refused: refusal };
    }
    const text = domainErrorText(refusal, scope.language);
    return current
      ? { card: withNotice(current, { text, isError: true }), refused: refusal }
      : { reply: text, refused: refusal };
  }

  /** A click on a verb no feature knows (an old card after an upgrade, a forged submit). */
  unknown(language: Language): ClickOutcome {
    return { reply: t(language, 'bot:cardAction.unknown') };
  }
}

function pickReply(reply: string | undefined): { reply?: string } {
  return reply ? { reply } : {};
}
