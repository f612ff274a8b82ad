import type { z } from 'zod';
import type {
  CustomerRow,
  InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import {
  acceptance,
  invitationActions,
  type InvitationEvent,
} from '../../../domain/invitations/invitation.js';
import { applicationActions } from '../../../domain/enrollment/application.js';
import type { Partner, PersonRef } from '../../../domain/partners/partner.js';
import type { Role } from '../../../domain/partners/roles.js';
import {
  availableActions,
  waitingChange,
  type RelationshipEvent,
} from '../../../domain/relationships/relationship.js';
import type { RelationshipView } from '../../../domain/relationships/relationship.service.js';
import type { ResellerInvitation } from '../../../domain/relationships/reseller-invitation.js';
import type {
  ApplicationSchema,
  CustomerSchema,
  HistoryEventSchema,
  InvitationSchema,
  PartySchema,
  RelationshipSchema,
} from './api.schemas.js';

/**
 * Domain records as the API shows them (api.schemas.ts). What a viewer may do comes from the
 * domain's rule functions, the ones the cards ask: no state is compared here.
 */

export function party(p: Partner): z.infer<typeof PartySchema> {
  return {
    id: p.id,
    legalName: p.legalName,
    partnerId: p.partnerId,
    country: p.tenantCountry,
    tenantId: p.tenantId,
  };
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** A relationship as its viewer's side sees it; `manages`: may manage relationships. */
export function relationshipItem(
  view: RelationshipView,
  manages: boolean
): z.infer<typeof RelationshipSchema> {
  const r = view.relationship;
  const change = waitingChange(r);
  return {
    id: r.id,
    state: r.state,
    side: view.side,
    initiatedBy: r.initiatedBy,
    provider: party(view.provider),
    reseller: party(view.reseller),
    roles: [...r.grant.roles],
    requestedAt: iso(r.requestedAt),
    since: r.activeSince ? iso(r.activeSince) : null,
    expiresAt: iso(r.expiresAt),
    autoExtend: r.grant.autoExtend,
    pendingChange: change
      ? {
          roles: [...change.grant.roles],
          expiresAt: iso(change.expiresAt),
          autoExtend: change.grant.autoExtend,
          at: iso(change.at),
        }
      : null,
    extendRoom: view.extendRoom,
    actions: [
      ...availableActions(r, { side: view.side, manages }, view.extendRoom),
      // The card's View customers: on a relationship that is or was active.
      ...(r.activeSince ? (['viewCustomers'] as const) : []),
    ],
  };
}

function byName(by: PersonRef | 'system'): string {
  return by === 'system' ? 'system' : (by.name ?? by.aadObjectId);
}

/**
 * One step of a history as the API shows it, for relationships and invitations alike: the
 * optional fields (the end of access before and after, a reason) only where the event has them.
 */
function historyEvent(e: {
  readonly at: Date;
  readonly by: PersonRef | 'system';
  readonly from: string | null;
  readonly to: string;
  readonly note?: string;
  readonly fromExpiresAt?: Date;
  readonly toExpiresAt?: Date;
  readonly reason?: string;
}): z.infer<typeof HistoryEventSchema> {
  return {
    at: iso(e.at),
    action: e.note ?? e.to,
    by: byName(e.by),
    from: e.from,
    to: e.to,
    ...(e.fromExpiresAt ? { fromExpiresAt: iso(e.fromExpiresAt) } : {}),
    ...(e.toExpiresAt ? { toExpiresAt: iso(e.toExpiresAt) } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
  };
}

export function relationshipHistory(
  events: readonly RelationshipEvent[]
): z.infer<typeof HistoryEventSchema>[] {
  return events.map(historyEvent);
}

export function invitationHistory(
  events: readonly InvitationEvent[]
): z.infer<typeof HistoryEventSchema>[] {
  return events.map(historyEvent);
}

/** A customer invitation as its partners see it; `mayManage`: holds invitations.manage. */
export function customerInvitationItem(
  view: InvitationView,
  mayManage: boolean
): z.infer<typeof InvitationSchema> {
  const inv = view.invitation;
  const accepted = acceptance(inv);
  const email = inv.decidedByEmail;
  return {
    id: inv.id,
    kind: 'customer',
    state: view.state,
    to: inv.customer?.companyName ?? '',
    email: inv.customer?.adminEmail ?? null,
    provider: view.provider ? party(view.provider) : null,
    sentAt: iso(inv.createdAt),
    expiresAt: iso(inv.expiresAt),
    acceptedBy: accepted ? (accepted.by.name ?? accepted.by.aadObjectId) : null,
    acceptedAt: accepted ? iso(accepted.at) : null,
    tenantId: view.state === 'accepted' ? (inv.decidedBy?.tenantId ?? null) : null,
    domain: view.state === 'accepted' && email?.includes('@') ? email.split('@')[1]! : null,
    actions: invitationActions(view.state, { side: 'partner', mayManage }).filter(
      (a): a is 'revoke' | 'resend' => a === 'revoke' || a === 'resend'
    ),
  };
}

/** A provider's reseller invitation (waiting for a reseller to accept); the provider manages it. */
export function resellerInvitationItem(
  inv: ResellerInvitation,
  mayManage: boolean
): z.infer<typeof InvitationSchema> {
  const state =
    inv.state === 'accepted' ? 'accepted' : inv.state === 'revoked' ? 'revoked' : 'pending';
  return {
    id: inv.id,
    kind: 'reseller',
    state,
    to: inv.email,
    email: inv.email,
    provider: null,
    sentAt: iso(inv.createdAt),
    expiresAt: iso(inv.expiresAt),
    acceptedBy: inv.acceptedBy
      ? (inv.acceptedBy.person.name ?? inv.acceptedBy.person.aadObjectId)
      : null,
    acceptedAt: inv.acceptedAt ? iso(inv.acceptedAt) : null,
    tenantId: inv.acceptedBy?.person.tenantId ?? null,
    domain: inv.email.split('@')[1] ?? null,
    actions: invitationActions(state, { side: 'partner', mayManage }).filter(
      (a): a is 'revoke' | 'resend' => a === 'revoke' || a === 'resend'
    ),
  };
}

export function customerItem(row: CustomerRow): z.infer<typeof CustomerSchema> {
  return {
    id: row.link.id,
    company: row.customer.companyName,
    tenantId: row.customer.tenantId,
    domain: row.customer.domain ?? null,
    adminEmail: row.customer.adminEmail ?? null,
    reseller: row.reseller ? party(row.reseller) : null,
    provider: row.provider ? party(row.provider) : null,
    since: iso(row.link.since),
  };
}

/** An application as an operator sees it (approve / reject from the domain's rule). */
export function applicationItem(
  p: Partner,
  viewer: { readonly isOperator: boolean; readonly roles?: readonly Role[] }
): z.infer<typeof ApplicationSchema> {
  return {
    id: p.id,
    legalName: p.legalName,
    partnerType: p.partnerType,
    partnerId: p.partnerId,
    country: p.tenantCountry,
    tenantId: p.tenantId,
    state: p.status,
    submittedAt: iso(p.submittedAt),
    actions: applicationActions(p, viewer).filter(
      (a): a is 'approve' | 'reject' => a === 'approve' || a === 'reject'
    ),
  };
}
