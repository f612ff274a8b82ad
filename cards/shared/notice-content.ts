import { t, type Language } from '../../i18n/i18n.js';
import { render as renderNotice, type NoticeCardData } from './notice.card.js';
import type { AdaptiveCardJson } from './render-card.js';

/** A proactive notice: catalog keys of its title and message, read with the same values. */
export interface NoticeContentData {
  readonly title: string;
  readonly message: string;
  readonly values: Record<string, unknown>;
  readonly tone: NonNullable<NoticeCardData['tone']>;
  readonly steps: NoticeCardData['steps'];
  /** The key of the one-line summary when it is not the message (the title, or a text of its own). */
  readonly summary?: string;
}

/**
 * A notice as the outbox sends it: its card, and beside it the one-line summary Teams' feed and
 * toast show (the card alone is shown in the chat). One shape for every feature's notices.
 */
export function noticeContent(
  language: Language,
  notice: NoticeContentData
): { text: string; card: AdaptiveCardJson } {
  const { values } = notice;
  return {
    text: t(language, notice.summary ?? notice.message, values),
    card: renderNotice(
      {
        title: { key: notice.title, values },
        message: { key: notice.message, values },
        tone: notice.tone,
        steps: notice.steps,
      },
      language
    ),
  };
}
