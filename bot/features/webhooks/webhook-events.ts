import type { Invitation } from '../../../domain/invitations/invitation.js';
import { owedBy, type Relationship } from '../../../domain/relationships/relationship.js';
import type { WebhookEventType } from '../../../domain/webhooks/webhook.js';

/**
 * The event a relationship's last change is, if any: the same change the owed notices are for,
 * so its stamp (time and what happened) is the event's identity.
 */
export function relationshipEvent(
  r: Relationship
): { type: WebhookEventType; stamp: string; at: Date } | undefined {
  const last = r.history[r.history.length - 1];
  if (!last) return undefined;
  const stamp = `relationship:${r.id}:${last.at.toISOString()}:${last.note ?? last.to}`;
  let type: WebhookEventType | undefined;
  if (last.note === 'extended' || last.note === 'autoExtended') type = 'relationship.extended';
  else if (last.note) type = undefined;
  else if (last.from === null && last.to === 'pending') type = 'relationship.requested';
  else if (last.from === 'pending' && last.to === 'active') type = 'relationship.authorized';
  else if (last.to === 'declined') type = 'relationship.declined';
  else if (last.to === 'withdrawn') type = 'relationship.withdrawn';
  else if (last.to === 'ended') type = 'relationship.ended';
  else if (last.to === 'expired') type = 'relationship.expired';
  return type ? { type, stamp, at: last.at } : undefined;
}

/**
 * `relationship.expiring` when the relationship's stamp owes a reminder (30, 7 or 1 days before
 * access ends, the one just claimed): one event per threshold and end date, whatever re-emits it.
 */
export function expiringEvent(
  r: Relationship
): { type: WebhookEventType; stamp: string; at: Date } | undefined {
  // Which reminder is owed does not depend on who acted (the tenant `owedBy` is given).
  const days = owedBy(r, '').remindDays;
  if (days === undefined) return undefined;
  return {
    type: 'relationship.expiring',
    stamp: `relationship:${r.id}:expiring:${days}:${r.expiresAt.toISOString()}`,
    at: r.noticeOwedAt ?? r.history[r.history.length - 1]?.at ?? r.expiresAt,
  };
}

/**
 * The event a customer invitation's last change is, if any; the creation is owed work too (its
 * stamp set in the insert), under the id it always had.
 */
export function invitationEvent(
  inv: Invitation
): { type: WebhookEventType; stamp: string; at: Date } | undefined {
  const last = inv.history[inv.history.length - 1];
  if (!last || last.note === 'resent') return undefined;
  if (last.from === null && last.to === 'pending') {
    return { type: 'invitation.created', stamp: `invitation:${inv.id}:created`, at: inv.createdAt };
  }
  const stamp = `invitation:${inv.id}:${last.at.toISOString()}:${last.note ?? last.to}`;
  const types: Partial<Record<string, WebhookEventType>> = {
    accepted: 'invitation.accepted',
    declined: 'invitation.declined',
    revoked: 'invitation.revoked',
    expired: 'invitation.expired',
  };
  const type = types[last.to];
  return type ? { type, stamp, at: last.at } : undefined;
}
