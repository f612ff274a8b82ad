import { z } from 'zod';
import { INVITATION_STATES } from '../../../domain/invitations/invitation.js';
import { PARTNER_STATUSES } from '../../../domain/partners/partner.js';
import { ROLES } from '../../../domain/partners/roles.js';
import {
  ADMIN_ROLES,
  RELATIONSHIP_ACTIONS,
  RELATIONSHIP_STATES,
} from '../../../domain/relationships/relationship.js';
import {
  MAX_DURATION_DAYS,
  MIN_DURATION_DAYS,
} from '../../../domain/relationships/access-grant.js';
import { MAX_REASON_LENGTH } from '../../../domain/relationships/relationship.js';

/**
 * The REST API's shapes (/work/contract.md), as zod schemas: the routes parse requests with
 * them, and the OpenAPI document is generated from them (`z.toJSONSchema`), so the document
 * cannot drift from what the server accepts and answers.
 */

const isoDate = z.iso.datetime().describe('ISO 8601 date-time (UTC)');
const id = z.string().min(1).max(64);

export const PersonSchema = z
  .object({ aadObjectId: z.string(), tenantId: z.string(), name: z.string().optional() })
  .meta({ id: 'Person' });

export const PartySchema = z
  .object({
    id,
    legalName: z.string(),
    partnerId: z.string(),
    country: z.string(),
    tenantId: z.string(),
  })
  .meta({ id: 'Party' });

export const LanguageSchema = z.enum(['en', 'ru']);

export const MeSchema = z
  .object({
    person: PersonSchema,
    partner: z
      .object({
        id,
        legalName: z.string(),
        partnerType: z.enum(['reseller', 'provider']),
        partnerId: z.string(),
        status: z.enum(PARTNER_STATUSES),
      })
      .nullable(),
    roles: z.array(z.enum(ROLES)),
    operator: z.boolean(),
    language: LanguageSchema,
    /** What this person may do, from the role matrix (domain/partners/roles.ts). */
    may: z.array(z.string()),
  })
  .meta({ id: 'Me' });

// ---- lists -------------------------------------------------------------------------------

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

/** The query every list takes; `sort` names a column of that list (each list narrows it). */
export function listQuery<S extends readonly [string, ...string[]], F extends z.ZodType>(
  sorts: S,
  state: F
) {
  return z.object({
    page: z.coerce.number().int().min(0).max(100_000).default(0),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    sort: z.enum(sorts).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    q: z.string().trim().max(100).optional(),
    state: state.optional(),
  });
}

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    })
    .meta({ id: `${name}Page` });
}

// ---- relationships ------------------------------------------------------------------------

export const RelationshipStateSchema = z.enum(RELATIONSHIP_STATES);
/** The list filter: one state, or `closed` (declined, expired, withdrawn, ended), `expiringSoon`. */
export const RelationshipFilterSchema = z.enum([...RELATIONSHIP_STATES, 'closed', 'expiringSoon']);
export const RelationshipActionSchema = z.enum(RELATIONSHIP_ACTIONS);

export const RelationshipListQuery = listQuery(
  ['requestedAt', 'expiresAt', 'state'] as const,
  RelationshipFilterSchema
);

export const RelationshipSchema = z
  .object({
    id,
    state: RelationshipStateSchema,
    /** The viewer's side of it. */
    side: z.enum(['provider', 'reseller']),
    initiatedBy: z.enum(['provider', 'reseller']),
    provider: PartySchema,
    reseller: PartySchema,
    roles: z.array(z.enum(ADMIN_ROLES)),
    requestedAt: isoDate,
    since: isoDate.nullable(),
    expiresAt: isoDate,
    autoExtend: z.boolean(),
    /** The provider's change waiting for the reseller's consent. */
    pendingChange: z
      .object({
        roles: z.array(z.enum(ADMIN_ROLES)),
        expiresAt: isoDate,
        autoExtend: z.boolean(),
        at: isoDate,
      })
      .nullable(),
    /** How many days Extend may add today (0: none). */
    extendRoom: z.number().int(),
    /** What THIS viewer may do now (domain `availableActions`), plus `viewCustomers`. */
    actions: z.array(z.union([RelationshipActionSchema, z.literal('viewCustomers')])),
  })
  .meta({ id: 'Relationship' });

export const HistoryEventSchema = z
  .object({
    at: isoDate,
    /** The note (`extended`, `resent`...) or else the state it moved to. */
    action: z.string(),
    by: z.string().describe("the person's name, or 'system'"),
    from: z.string().nullable(),
    to: z.string(),
    fromExpiresAt: isoDate.optional(),
    toExpiresAt: isoDate.optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'HistoryEvent' });

export const RelationshipDetailSchema = RelationshipSchema.extend({
  history: z.array(HistoryEventSchema),
}).meta({ id: 'RelationshipDetail' });

export const RelationshipPageSchema = pageOf(RelationshipSchema, 'Relationship');

/** Bodies of `POST /relationships/{id}/{action}`, one per action. */
export const RelationshipActionBodies = {
  authorize: z.object({ consent: z.boolean().default(false) }).strict(),
  decline: z.object({ reason: z.string().max(MAX_REASON_LENGTH).default('') }).strict(),
  withdraw: z.object({}).strict(),
  resend: z.object({}).strict(),
  authorizeChange: z.object({ consent: z.boolean().default(false) }).strict(),
  declineChange: z.object({}).strict(),
  extend: z
    .object({
      days: z.number().int().min(MIN_DURATION_DAYS).max(MAX_DURATION_DAYS),
      roles: z.array(z.enum(ADMIN_ROLES)).min(1).optional(),
      consent: z.boolean().default(false),
      /** The end the confirmation showed: if it moved since, 409 and nothing changes. */
      endsAt: isoDate.optional(),
    })
    .strict(),
  autoExtendOn: z.object({}).strict(),
  end: z.object({ confirmed: z.literal(true) }).strict(),
} as const satisfies Record<z.infer<typeof RelationshipActionSchema>, z.ZodType>;

export const RelationshipActionResultSchema = RelationshipDetailSchema.extend({
  /** False when this call changed nothing (someone else, or a repeat, got there first). */
  changedNow: z.boolean(),
  /** For `extend`: the end before and after (after = requested, when the reseller must consent). */
  extension: z.object({ from: isoDate, to: isoDate, asks: z.boolean() }).optional(),
}).meta({ id: 'RelationshipActionResult' });

export const RelationshipBulkBody = z
  .object({
    action: z.enum(['extend', 'autoExtendOn', 'resend', 'end']),
    ids: z.array(id).min(1).max(MAX_PAGE_SIZE),
    days: z.number().int().min(MIN_DURATION_DAYS).max(MAX_DURATION_DAYS).optional(),
    consent: z.boolean().default(false),
    confirmed: z.literal(true).optional(),
  })
  .strict()
  .meta({ id: 'RelationshipBulk' });

/** The directory of indirect providers a reseller may ask (its country/region unless `everywhere`). */
export const DirectoryQuery = z.object({
  page: z.coerce.number().int().min(0).max(100_000).default(0),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  q: z.string().trim().max(100).optional(),
  everywhere: z.enum(['true', 'false']).default('false'),
});
export const DirectoryEntrySchema = PartySchema.extend({
  /** The reseller's pending or active relationship with it: open that, not a new request. */
  open: z.object({ id, state: RelationshipStateSchema }).nullable(),
}).meta({ id: 'DirectoryEntry' });
export const DirectoryPageSchema = pageOf(DirectoryEntrySchema, 'DirectoryEntry');

// ---- errors and bulk ------------------------------------------------------------------------

/** RFC 9457 problem details, with the domain's code and the contract's `error` mirror. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string().describe('localized message (Accept-Language: en or ru)'),
    status: z.number().int(),
    code: z.string().describe('stable: notFound, notAllowed, conflict, expired, invalid, ...'),
    key: z.string().describe('the i18n key of the message'),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    error: z.object({ code: z.string(), message: z.string() }),
  })
  .meta({ id: 'Problem' });

export function bulkResultOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      results: z.array(
        z.object({
          id: z.string(),
          ok: z.boolean(),
          item: item.optional(),
          error: z.object({ code: z.string(), message: z.string() }).optional(),
        })
      ),
    })
    .meta({ id: `${name}BulkResult` });
}
export const RelationshipBulkResultSchema = bulkResultOf(RelationshipSchema, 'Relationship');

// ---- invitations ---------------------------------------------------------------------------

export const InvitationKindSchema = z.enum(['customer', 'reseller']);
export const InvitationFilterSchema = z.enum([...INVITATION_STATES, 'closed']);
export const InvitationListQuery = listQuery(
  ['createdAt', 'expiresAt', 'state', 'to'] as const,
  InvitationFilterSchema
).extend({ kind: InvitationKindSchema.default('customer') });

export const InvitationSchema = z
  .object({
    id,
    kind: InvitationKindSchema,
    state: z.enum(INVITATION_STATES),
    /** The company (customer) or the address (reseller) invited. */
    to: z.string(),
    email: z.string().nullable(),
    provider: PartySchema.nullable(),
    sentAt: isoDate,
    expiresAt: isoDate,
    acceptedBy: z.string().nullable(),
    acceptedAt: isoDate.nullable(),
    tenantId: z.string().nullable(),
    domain: z.string().nullable(),
    actions: z.array(z.enum(['revoke', 'resend'])),
  })
  .meta({ id: 'Invitation' });
export const InvitationDetailSchema = InvitationSchema.extend({
  history: z.array(HistoryEventSchema),
}).meta({ id: 'InvitationDetail' });
export const InvitationPageSchema = pageOf(InvitationSchema, 'Invitation');
export const InvitationActionSchema = z.enum(['revoke', 'resend']);
export const InvitationActionQuery = z.object({ kind: InvitationKindSchema.default('customer') });
export const InvitationBulkBody = z
  .object({
    action: InvitationActionSchema,
    kind: InvitationKindSchema.default('customer'),
    ids: z.array(id).min(1).max(MAX_PAGE_SIZE),
  })
  .strict()
  .meta({ id: 'InvitationBulk' });
/**
 * A Revoke's or Resend's answer. A Resend gives the invitation a new link and code (the old
 * ones die) and, as its card does, shows them to the inviter once (`sent`): the mail carries
 * them where there is an address; without one, this is the only place they are.
 */
export const InvitationActionResultSchema = InvitationSchema.extend({
  sent: z
    .object({ link: z.string(), code: z.string(), mailed: z.enum(['queued', 'failed', 'none']) })
    .optional(),
}).meta({ id: 'InvitationActionResult' });
export const InvitationBulkResultSchema = bulkResultOf(InvitationActionResultSchema, 'Invitation');

// ---- customers, users, applications, overview ----------------------------------------------

/** `sort=reseller` groups a provider's customers by their reseller. */
export const CustomerListQuery = listQuery(
  ['since', 'company', 'reseller'] as const,
  z.enum(['active'])
);
export const CustomerSchema = z
  .object({
    id,
    company: z.string(),
    tenantId: z.string(),
    domain: z.string().nullable(),
    adminEmail: z.string().nullable(),
    reseller: PartySchema.nullable(),
    provider: PartySchema.nullable(),
    since: isoDate,
  })
  .meta({ id: 'Customer' });
export const CustomerPageSchema = pageOf(CustomerSchema, 'Customer');

export const UserListQuery = listQuery(['name'] as const, z.enum(ROLES));
export const UserSchema = z
  .object({
    aadObjectId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    roles: z.array(z.enum(ROLES)),
  })
  .meta({ id: 'User' });
export const UserPageSchema = pageOf(UserSchema, 'User');
export const UserRolesBody = z
  .object({ roles: z.array(z.enum(ROLES)).max(ROLES.length) })
  .strict()
  .meta({ id: 'UserRoles' });

export const ApplicationListQuery = listQuery(
  ['submittedAt', 'legalName'] as const,
  z.enum(PARTNER_STATUSES)
);
export const ApplicationSchema = z
  .object({
    id,
    legalName: z.string(),
    partnerType: z.enum(['reseller', 'provider']),
    partnerId: z.string(),
    country: z.string(),
    tenantId: z.string(),
    state: z.enum(PARTNER_STATUSES),
    submittedAt: isoDate,
    actions: z.array(z.enum(['approve', 'reject'])),
  })
  .meta({ id: 'Application' });
export const ApplicationPageSchema = pageOf(ApplicationSchema, 'Application');
export const ApplicationActionBodies = {
  approve: z.object({}).strict(),
  reject: z.object({ reason: z.string().trim().min(1).max(1000) }).strict(),
} as const;
export const ApplicationActionResultSchema = ApplicationSchema.extend({
  changedNow: z.boolean(),
}).meta({ id: 'ApplicationActionResult' });

export const OverviewSchema = z
  .object({
    needsMe: z.array(
      z.object({
        kind: z.enum(['relationship', 'invitation', 'application']),
        id,
        title: z.string(),
        since: isoDate,
      })
    ),
    expiring: z.object({
      within30: z.number().int(),
      within7: z.number().int(),
      within1: z.number().int(),
    }),
    counts: z.object({
      relationships: z.record(z.string(), z.number().int()),
      invitations: z.record(z.string(), z.number().int()),
    }),
    expiriesByMonth: z.array(z.object({ month: z.string(), count: z.number().int() })),
  })
  .meta({ id: 'Overview' });

// ---- open-mode sign-in ------------------------------------------------------------------------

export const PersonasSchema = z
  .object({ personas: z.array(PersonSchema) })
  .meta({ id: 'Personas' });
export const SignInBody = z
  .object({ aadObjectId: z.string().min(1).max(64), tenantId: z.string().max(64).optional() })
  .strict()
  .meta({ id: 'SignIn' });
export const SignInResultSchema = z
  .object({ token: z.string(), expiresAt: isoDate })
  .meta({ id: 'SignInResult' });

export const IdParam = z.object({ id });
