import type { NotificationSubject } from '../../../domain/notifications/notification.js';

/**
 * What a relationship card is about, per side: the provider's copies carry Authorize where the
 * reseller's carry Withdraw, so each side's copies are re-rendered for that side.
 */
export function relationshipSubject(
  id: string,
  side: 'provider' | 'reseller'
): NotificationSubject {
  return { type: 'relationship', id: `${id}:${side}` };
}

/** The relationship id and side of a subject id (`<id>:<side>`). */
export function parseRelationshipSubject(
  subjectId: string
): { id: string; side: 'provider' | 'reseller' } | undefined {
  const m = /^([0-9a-f]{24}):(provider|reseller)$/.exec(subjectId);
  return m ? { id: m[1], side: m[2] as 'provider' | 'reseller' } : undefined;
}

/**
 * The provider's card with the link and code of a reseller invitation just sent or resent: a
 * subject of its own, so the mail's outcome redraws that message and no other copy.
 */
export function resellerInvitationSentSubject(id: string): NotificationSubject {
  return { type: 'resellerInvitationSent', id };
}
