import template from './review-queue.card.json' with { type: 'json' };
import { countryName } from '../../domain/partners/countries.js';
import type { Partner } from '../../domain/partners/partner.js';
import { t, type Language } from '../../i18n/i18n.js';
import { dateText } from './enrollment-text.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { samples as reviewSamples } from './review.card.js';
import { MAX_DISPLAY_NAME, userText } from '../shared/user-text.js';

export interface ReviewQueueCardData {
  readonly partners: readonly Partner[];
}

/**
 * Applications listed at most. Anyone with a tenant and a mailbox can add one, and Teams refuses
 * a message over about 28 KB; one item takes up to ~2 KB (a 500-character legal name, escaped),
 * so ten always fit. The oldest are listed; the rest as they are decided.
 */
export const QUEUE_SHOWN = 10;

/** The operators' queue: applications under review, each with Open (runs `review <id>`). */
export function render(data: ReviewQueueCardData, language: Language): AdaptiveCardJson {
  const more = Math.max(0, data.partners.length - QUEUE_SHOWN);
  return renderCard(template, {
    title: t(language, 'enrollment:review.queueTitle', { count: data.partners.length }),
    emptyText: t(language, 'enrollment:review.queueEmpty'),
    moreText: more ? t(language, 'enrollment:review.queueMore', { more }) : '',
    items: data.partners.slice(0, QUEUE_SHOWN).map((p) => ({
      name: userText(p.legalName),
      summary: t(language, 'enrollment:review.summary', {
        partnerType: t(language, `enrollment:partnerTypes.${p.partnerType}`),
        partnerId: userText(p.partnerId),
        country: countryName(p.tenantCountry, language),
      }),
      submitted: t(language, 'enrollment:review.submittedBy', {
        name: userText(p.submittedBy.name ?? p.submittedBy.aadObjectId, MAX_DISPLAY_NAME),
        date: dateText(language, p.submittedAt),
      }),
      openTitle: t(language, 'enrollment:review.open'),
      command: `review ${p.id}`,
    })),
  });
}

export const samples: readonly ReviewQueueCardData[] = [
  {
    partners: [
      reviewSamples[0].partner,
      { ...reviewSamples[0].partner, id: 'x2', legalName: 'Fabrikam LLC', partnerType: 'provider' },
    ],
  },
  { partners: [] },
];
