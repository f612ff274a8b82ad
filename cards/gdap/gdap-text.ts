import { approvalUrl, gdapView, type GdapShown } from '../../domain/gdap/gdap.js';
import { t, type Language } from '../../i18n/i18n.js';
import { dayText } from '../relationships/relationship-text.js';

/** The GDAP line of a link, in a language (relationship cards, notices). */
export function gdapLine(language: Language, link: GdapShown): string {
  const date = link.endDateTime ? dayText(language, link.endDateTime) : '';
  return t(language, `gdap:gdap.${gdapView(link)}`, { date });
}

/**
 * The admin center's approval link while the GDAP relationship waits for approval: only the
 * customer's side (the reseller, whose Global Administrator Microsoft requires) gets it.
 */
export function approvalFor(link: GdapShown | undefined, side: 'provider' | 'reseller') {
  if (!link?.graphId || side !== 'reseller' || gdapView(link) !== 'approvalPending') return;
  return approvalUrl(link.graphId);
}
