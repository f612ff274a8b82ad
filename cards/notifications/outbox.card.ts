import template from './outbox.card.json' with { type: 'json' };
import { formatDate, formatNumber, t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';

/** One dead letter as the operator sees it (no message content: it may be personal). */
export interface DeadLetterView {
  readonly id: string;
  readonly key: string;
  readonly recipient: string;
  readonly attempts: number;
  readonly lastError?: string;
  readonly deadAt?: Date;
  readonly mail?: string;
}

export interface OutboxCardData {
  readonly counts: Readonly<Record<string, number>>;
  readonly dead: readonly DeadLetterView[];
  /** Shown under the list, e.g. after a Retry. */
  readonly notice?: string;
}

const STATES = ['due', 'leased', 'held', 'sent', 'dead', 'superseded', 'skipped'] as const;

/** The operators' `outbox` card: counts by state and the dead letters with Retry. */
export function render(data: OutboxCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'notifications:outbox.title'),
    counts: STATES.map((state) => ({
      state: t(language, `notifications:outbox.states.${state}`),
      count: formatNumber(language, data.counts[state] ?? 0),
    })),
    deadTitle: t(language, 'notifications:outbox.deadTitle'),
    noDead: data.dead.length === 0,
    noDeadText: t(language, 'notifications:outbox.noDead'),
    dead: data.dead.map((d) => ({
      id: d.id,
      summary: t(language, 'notifications:outbox.deadSummary', {
        // Keys and labels embed record ids and names; shown as literal text like any user value.
        key: userText(d.key),
        recipient: userText(d.recipient),
      }),
      detail: t(language, 'notifications:outbox.deadDetail', {
        attempts: d.attempts,
        // The error text comes from outside (the Bot Connector's or another service's answer).
        error: d.lastError ? userText(d.lastError) : '—',
        when: d.deadAt ? formatDate(language, d.deadAt) : '—',
        mail: t(language, `notifications:outbox.mail.${d.mail ?? 'none'}`),
      }),
      retryLabel: t(language, 'notifications:outbox.retry'),
    })),
    hasNotice: Boolean(data.notice),
    notice: data.notice ?? '',
  });
}

export const samples: readonly OutboxCardData[] = [
  { counts: { due: 3, sent: 120, held: 1 }, dead: [] },
  {
    counts: { sent: 40, dead: 1 },
    dead: [
      {
        id: '665f1c2e9b1e8a0012345678',
        key: 'application:42:approved',
        recipient: '1111…:a1b2…',
        attempts: 8,
        lastError: 'HTTP 503: Service Unavailable',
        deadAt: new Date('2026-01-01T10:00:00Z'),
        mail: 'sent',
      },
    ],
    notice: 'Queued again.',
  },
];
