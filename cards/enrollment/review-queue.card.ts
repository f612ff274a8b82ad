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

/** The operators' queue: applications under review, each with Open (runs `review <id>`). */
export function render(data: ReviewQueueCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'enrollment:review.queueTitle', { count: data.partners.length }),
    emptyText: t(language, 'enrollment:review.queueEmpty'),
    items: data.partners.map((p) => ({
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
