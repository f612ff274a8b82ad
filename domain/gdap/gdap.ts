import type { PartnerRef } from '../partners/partner.js';
import { days, REMINDER_DAYS } from '../relationships/access-grant.js';
import {
  mayAutoExtend,
  type AccessGrant,
  type AdminRole,
  type Relationship,
} from '../relationships/relationship.js';

/**
 * The product's role names and the Entra built-in role template ids Graph takes in
 * `accessDetails.unifiedRoles` (Microsoft Entra built-in roles, "Template ID"): one table.
 */
export const ENTRA_ROLE_TEMPLATE_IDS: Readonly<Record<AdminRole, string>> = Object.freeze({
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
});

/** `delegatedAdminRelationshipStatus` as Graph reports it (v1.0), unknown values kept apart. */
export const GDAP_STATUSES = [
  'created',
  'approvalPending',
  'approved',
  'activating',
  'active',
  'expiring',
  'expired',
  'terminationRequested',
  'terminating',
  'terminated',
] as const;
export type GdapStatus = (typeof GDAP_STATUSES)[number];

/** States Graph never leaves: the sync stops asking about them. */
export const FINAL_GDAP_STATUSES: readonly GdapStatus[] = ['expired', 'terminated'];

/** Graph's limit on `displayName`, unique among all of a partner's relationships. */
export const DISPLAY_NAME_MAX = 50;

/**
 * The GDAP relationship's name for a product relationship: deterministic, so a crash between
 * Graph's create and recording its id is repaired by looking the name up, never by a second
 * create; unique per partner because the product's id is.
 */
export function gdapDisplayName(subjectId: string, kind: GdapKind = 'providerReseller'): string {
  const name =
    kind === 'providerReseller'
      ? `Partner Connect ${subjectId}`
      : `Partner Connect customer ${subjectId}`;
  if (name.length > DISPLAY_NAME_MAX) throw new Error('GDAP display name over 50 characters');
  return name;
}

/** ISO 8601 duration of the access (Graph: P1D to P2Y; the product's 1 to 730 days fit). */
export function gdapDuration(grant: Pick<AccessGrant, 'durationDays'>): string {
  return `P${grant.durationDays}D`;
}

/** Graph's auto-extend values: P180D, or PT0S (never with Global Administrator, as Graph rules). */
export function gdapAutoExtend(grant: Pick<AccessGrant, 'roles' | 'autoExtend'>): string {
  return grant.autoExtend && mayAutoExtend(grant) ? 'P180D' : 'PT0S';
}

/**
 * The auto-extend Graph should be told, when what it has differs from what the link wants (P0D
 * and PT0S are one value); undefined when they agree or Graph allows no change in its state
 * (an update of `autoExtendDuration` is allowed while `created` or `active` only).
 */
export function autoExtendToPush(
  link: Pick<GdapLink, 'roles' | 'autoExtend'>,
  graph: { readonly status?: GdapStatus; readonly autoExtendDuration?: string }
): string | undefined {
  if (graph.status !== 'created' && graph.status !== 'active') return undefined;
  const wanted = gdapAutoExtend(link);
  const has = graph.autoExtendDuration === 'P0D' ? 'PT0S' : (graph.autoExtendDuration ?? 'PT0S');
  return has === wanted ? undefined : wanted;
}

/**
 * The reminder (30, 7 or 1 days, the relationships' thresholds) due because Microsoft's GDAP
 * relationship ends before the relationship here: Graph's end is its approval plus a duration
 * fixed at creation, which Extend cannot move, so the delegated access would vanish while the
 * product still shows it. None while Graph auto-extends it itself, or once it has ended (the
 * sync reports that). The most urgent threshold only, as the relationships' reminders.
 */
export function earlyEndReminder(
  graph: {
    readonly status?: GdapStatus;
    readonly endDateTime?: Date;
    readonly autoExtendDuration?: string;
  },
  productEndsAt: Date,
  now: Date
): number | undefined {
  if (graph.status !== 'active' && graph.status !== 'expiring') return undefined;
  if (!graph.endDateTime || graph.autoExtendDuration === 'P180D') return undefined;
  if (graph.endDateTime.getTime() >= productEndsAt.getTime()) return undefined;
  const left = graph.endDateTime.getTime() - now.getTime();
  if (left <= 0) return undefined;
  return [...REMINDER_DAYS].sort((a, b) => a - b).find((d) => left <= days(d));
}

/** The page where the customer's Global Administrator approves (Microsoft 365 admin center). */
export function approvalUrl(graphId: string): string {
  return `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${encodeURIComponent(graphId)}`;
}

/** Why the product could not (yet) make the GDAP relationship: shown, never hidden. */
export type GdapRefusal =
  /** The provider has not connected Microsoft Graph: recorded here only. */
  | 'notConnected'
  /** Graph said 401/403: the consent is missing or was withdrawn. */
  | 'consentMissing'
  /** Graph said 400: a role, a duration or a name it refuses. */
  | 'invalid';

/**
 * Whose GDAP relationship: the provider's to its reseller's tenant (a product relationship), or
 * the reseller's to a customer's tenant (an accepted customer invitation).
 */
export type GdapKind = 'providerReseller' | 'resellerCustomer';

/**
 * What a reseller asks of a customer that accepted its invitation: the invitation names no
 * roles, so the least that lets it transact and support (Microsoft's advice for GDAP), a year,
 * no auto-extend. The customer's Global Administrator may approve or not.
 */
export const CUSTOMER_DEFAULT_GRANT = Object.freeze({
  roles: ['globalReader', 'licenseAdministrator'] as readonly AdminRole[],
  durationDays: 365,
  autoExtend: false,
});

/** What the product wants of the GDAP relationship now. */
export type GdapWanted = 'active' | 'terminated';

/**
 * A product relationship's GDAP relationship in Graph: the provider's
 * `delegatedAdminRelationship` to the reseller's tenant, with the consented roles.
 */
export interface GdapLink {
  readonly id: string;
  /** Absent on links stored before customers had theirs: a provider's. */
  readonly kind?: GdapKind;
  /** The product's record it follows: a relationship's id, or a customer invitation's. */
  readonly relationshipId: string;
  /** The partner whose tenant creates it (the provider) and that tenant. */
  readonly partnerRef: PartnerRef;
  readonly partnerTenantId: string;
  /** The tenant the access is to (the reseller's or the customer's), and the partner there. */
  readonly customerRef?: PartnerRef;
  readonly customerTenantId: string;
  /** The customer's company name (a customer has no partner record). */
  readonly customerName?: string;
  /** The customer's admin who accepted: told the approval link. */
  readonly customerAdmin?: { readonly tenantId: string; readonly aadObjectId: string };
  readonly displayName: string;
  readonly roles: readonly AdminRole[];
  readonly durationDays: number;
  readonly autoExtend: boolean;
  readonly wanted: GdapWanted;
  /** Graph's id, once created (or found by its name). */
  readonly graphId?: string;
  readonly status?: GdapStatus;
  readonly endDateTime?: Date;
  readonly refusal?: GdapRefusal;
  /** Stamped when work on Graph is owed; cleared once done (OwedNotices' store). */
  readonly noticeOwedAt?: Date;
  readonly syncedAt?: Date;
}

export type NewGdapLink = Omit<GdapLink, 'id'>;

/**
 * What a product relationship asks of Graph: active access with roles wants its GDAP
 * relationship; ended or expired access wants it terminated; anything else asks nothing.
 */
export function wantedFor(r: Pick<Relationship, 'state' | 'grant'>): GdapWanted | undefined {
  if (r.state === 'active') return r.grant.roles.length > 0 ? 'active' : undefined;
  if (r.state === 'ended' || r.state === 'expired') return 'terminated';
  return undefined;
}

/** How a GDAP relationship reads beside the product's: one key per state the card shows. */
export type GdapView =
  | 'notConnected'
  | 'consentMissing'
  | 'invalid'
  | 'creating'
  | 'approvalPending'
  | 'active'
  | 'expiring'
  | 'expired'
  | 'terminated';

/** What a card shows of a GDAP link: the fields its line and approval button read. */
export type GdapShown = Pick<GdapLink, 'refusal' | 'status' | 'endDateTime' | 'graphId'>;

/**
 * Whether what the cards show of a relationship's GDAP relationship depends on its partner's
 * connection now: access that wants one, for which Graph has said nothing yet (no link yet, or
 * a link not yet created, found or refused).
 */
export function awaitsConnection(link: GdapLink | null, wanted: GdapWanted | undefined): boolean {
  if (link) return link.wanted === 'active' && !link.refusal && !link.graphId && !link.status;
  return wanted === 'active';
}

/**
 * What the cards show of a relationship's GDAP relationship. A partner not connected reads
 * "recorded here only" as soon as the access wants one: the change's own card updates say it,
 * rather than a second update of every copy once its owed work records the refusal.
 */
export function shownGdap(
  link: GdapLink | null,
  wanted: GdapWanted | undefined,
  connected: boolean
): GdapShown | undefined {
  if (!connected && awaitsConnection(link, wanted)) return { ...link, refusal: 'notConnected' };
  return link ?? undefined;
}

/** The line the cards and `status` show for a link. */
export function gdapView(link: Pick<GdapLink, 'refusal' | 'status'>): GdapView {
  if (link.refusal) return link.refusal;
  switch (link.status) {
    case undefined:
    case 'created':
      return 'creating';
    case 'approvalPending':
      return 'approvalPending';
    case 'approved':
    case 'activating':
    case 'active':
      return 'active';
    case 'expiring':
      return 'expiring';
    case 'expired':
      return 'expired';
    default:
      return 'terminated';
  }
}
