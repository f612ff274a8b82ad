import type { InvitationCardData } from '../../../cards/invitations/invitation.card.js';
import { userText } from '../../../cards/shared/user-text.js';
import { formatList, t, type Language } from '../../../i18n/i18n.js';
import type { NotificationSubject } from '../../../domain/notifications/notification.js';
import {
  revokedWithRelationship,
  type InvitationSide,
} from '../../../domain/invitations/invitation.js';
import type { InvitationView } from '../../../domain/invitations/invitation.service.js';

/** Which copy of an invitation's card: the customer's or the partners' (the domain's side). */
export type InvitationViewer = InvitationSide;

/**
 * What an invitation card is about, per viewer: the customer's copies carry Accept / Decline,
 * the partners' Revoke / Resend, so each kind is re-rendered for its viewer.
 */
export function invitationSubject(id: string, viewer: InvitationViewer): NotificationSubject {
  return { type: 'invitation', id: `${id}:${viewer}` };
}

/**
 * The inviter's own card with the link and code (the answer to `invite customer` and Resend):
 * a subject of its own, so its mail's outcome redraws that one message and no other copy (a
 * colleague's card never gets the code), and a click there (Done) retires it.
 */
export function invitationCreatedSubject(id: string): NotificationSubject {
  return { type: 'invitationCreated', id };
}

export function parseInvitationSubject(
  subjectId: string
): { id: string; viewer: InvitationViewer } | undefined {
  const m = /^([0-9a-f]{24}):(customer|partner)$/.exec(subjectId);
  return m ? { id: m[1], viewer: m[2] as InvitationViewer } : undefined;
}

/** The card's data for a view of an invitation. */
export function cardData(
  view: InvitationView,
  viewer: InvitationViewer,
  canManage = false
): InvitationCardData {
  const inv = view.invitation;
  const last = inv.history[inv.history.length - 1];
  return {
    invitationRef: inv.id,
    state: view.state,
    company: inv.customer?.companyName ?? '',
    reseller: view.reseller.legalName,
    ...(view.provider ? { provider: view.provider.legalName } : {}),
    ...(inv.customer?.note ? { note: inv.customer.note } : {}),
    expiresAt: inv.expiresAt,
    ...(last && last.by !== 'system' && last.by.name ? { lastBy: last.by.name } : {}),
    ...(last ? { lastAt: last.at } : {}),
    viewer,
    canManage,
    ...(revokedWithRelationship(inv) ? { revokedWithRelationship: true } : {}),
  };
}

/**
 * What the customer's answer told the person who clicked it ("Accepted: … now works with …"):
 * their click's answer shows it, and every later redraw of their copy keeps it.
 */
export function answeredNote(view: InvitationView, language: Language): string | undefined {
  const company = userText(view.invitation.customer?.companyName ?? '');
  if (view.state === 'accepted') {
    const partners = formatList(
      language,
      [view.reseller, view.provider].filter(Boolean).map((p) => userText(p!.legalName))
    );
    return t(language, 'invitations:card.acceptedNow', { company, partners });
  }
  if (view.state === 'declined') {
    return t(language, 'invitations:card.declinedNow', {
      reseller: userText(view.reseller.legalName),
    });
  }
  return undefined;
}
