import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { rolesInputId } from '../../../cards/partners/users.card.js';
import { Verbs } from '../../../cards/verbs.js';
import { can, type Action, type Role } from '../../../domain/partners/roles.js';
import type { Feature } from '../../../bot/feature.js';
import type { Partner } from '../../../domain/partners/partner.js';
import { OPERATOR_ENV, personas, type Persona } from '../../helpers/personas.js';
import {
  cast,
  colleague,
  GRANT,
  startRelationshipsWorld,
} from '../relationships/relationships-world.js';
import { GENERIC_APOLOGY } from './security-world.js';

/**
 * The authorization matrix, tried through the real server: every card verb and every text
 * command of the product, by every role of the partner the action is about, a user of that
 * tenant with no role, the same roles of another tenant's partner, a user of a tenant with no
 * partner, and an operator. What is allowed comes from ROLE_MATRIX (domain/partners/roles.ts),
 * never from this file: a row only says which action of the matrix a verb or command is.
 */

/** The same grant as the service takes it (set-up goes straight to the service). */
export const GRANT_IN = { roles: ['globalReader'], durationDays: 365, autoExtend: false };

/** The columns of the matrix: who acts. */
const ROLE_COLUMNS: readonly (readonly [string, Role])[] = [
  ['Global admin', 'globalAdmin'],
  ['Admin agent', 'adminAgent'],
  ['Sales agent', 'salesAgent'],
  ['Helpdesk agent', 'helpdeskAgent'],
];
export type Column =
  | { readonly kind: 'role'; readonly role: Role; readonly title: string }
  | { readonly kind: 'noRole'; readonly title: string }
  | { readonly kind: 'otherTenant'; readonly role: Role; readonly title: string }
  | { readonly kind: 'noPartner'; readonly title: string }
  | { readonly kind: 'operator'; readonly title: string };
export const COLUMNS: readonly Column[] = [
  ...ROLE_COLUMNS.map(([title, role]) => ({ kind: 'role' as const, role, title })),
  { kind: 'noRole', title: 'a user of the tenant with no role' },
  ...ROLE_COLUMNS.map(([title, role]) => ({
    kind: 'otherTenant' as const,
    role,
    title: `${title} of another tenant's partner`,
  })),
  { kind: 'noPartner', title: 'a user of a tenant with no partner' },
  { kind: 'operator', title: 'an operator' },
];

export type Side = 'reseller' | 'provider';

/** What the action needs in place, and the click's data or the typed text. */
export interface Prepared {
  readonly data?: Record<string, unknown>;
  readonly text?: string;
}

/**
 * The REST API's door to the same action (api-authorization-matrix.ts tries it for every column
 * by the same rule as the card or command): a route as the api module declares it, and the call
 * made from the data the row's `prepare` gave.
 */
export interface ApiDoor {
  /** `METHOD /path` exactly as declared (`POST /relationships/:id/authorize`). */
  readonly route: string;
  /** The path with its ids (and a query), and the body. */
  call(data: Record<string, unknown>, w: Matrix): ApiCall | Promise<ApiCall>;
  /** Overrides the row's `own` (a bulk call names its records, where the card acted on a list). */
  readonly own?: boolean;
  /** Overrides the row's `changes` for this door. */
  readonly changes?: boolean;
  /** A bulk call: 200 with a result per record; refused means every record refused. */
  readonly bulk?: boolean;
}
export interface ApiCall {
  readonly path: string;
  readonly body?: unknown;
}

export interface Row {
  /**
   * The verb (`relationship.authorize`) or the command's first name (`invite customer`); for an
   * `api` row (a route with no card or command, api-authorization-matrix.ts) what it does.
   */
  readonly name: string;
  readonly kind: 'verb' | 'command' | 'api';
  /**
   * The action of ROLE_MATRIX it is, `operators` for operator tools outside the matrix, or
   * `open` with the reason nobody is refused by role (checked by the flow's own tests).
   */
  readonly rule: Action | 'operators' | { readonly open: string };
  /** Whose object it acts on: the partner whose roles decide. */
  readonly side: Side;
  /**
   * True when it acts on the actor's own partner (a list, a form), not on a given object: then
   * another tenant's roles decide for that tenant, and it must never show this partner.
   */
  readonly own?: boolean;
  /**
   * Columns allowed beyond the matrix, each with the reason (a documented exception, so the
   * exception is visible here and in the test name).
   */
  readonly alsoAllowed?: Partial<Record<Column['kind'], string>>;
  /** A refusal that is a normal answer rather than an error (`status` when not enrolled). */
  readonly refusedWith?: string;
  /** True when an allowed click must change the database (a refused one never does). */
  readonly changes?: boolean;
  /** The same action through the REST API, when it has a route (api-authorization-matrix.ts). */
  readonly api?: readonly ApiDoor[];
  prepare?(w: Matrix): Promise<Prepared>;
}

const open = (reason: string) => ({ open: reason });

/** An API door whose call is built from the row's prepared data. */
export function door(
  route: string,
  call: ApiDoor['call'],
  more: Omit<ApiDoor, 'route' | 'call'> = {}
): ApiDoor {
  return { route, call, ...more };
}
/** A GET of a list or export of the caller's own partner: no ids, no body. */
export const reads = (...paths: string[]): ApiDoor[] =>
  paths.map((p) => door(`GET ${p}`, () => ({ path: p })));
/** A relationship action's route, as its card button. */
const relationshipDoor = (action: string, body: unknown = {}): ApiDoor =>
  door(`POST /relationships/:id/${action}`, (d) => ({
    path: `/relationships/${String(d.relationshipRef)}/${action}`,
    body,
  }));
/** A file name no earlier call used: a bulk job is keyed by partner and file. */
let files = 0;

/** The table: one row per verb and command. A new verb or command fails until it has a row. */
export const ROWS: readonly Row[] = [
  // --- bot basics ---
  {
    name: Verbs.commandRun,
    kind: 'verb',
    side: 'reseller',
    rule: open('runs a text command, which checks its own rights (the command rows)'),
  },
  {
    name: Verbs.cardRefresh,
    kind: 'verb',
    side: 'reseller',
    rule: open("renders the viewer's own view through the feature's refresher"),
  },
  { name: Verbs.languageSet, kind: 'verb', side: 'reseller', rule: open("the user's own setting") },
  { name: 'help', kind: 'command', side: 'reseller', rule: open('lists what the user may do') },
  { name: 'cancel', kind: 'command', side: 'reseller', rule: open("the user's own dialog") },
  { name: 'language', kind: 'command', side: 'reseller', rule: open("the user's own setting") },

  // --- notifications / outbox ---
  {
    name: Verbs.outboxRetry,
    kind: 'verb',
    side: 'reseller',
    rule: 'operators',
    prepare: async () => ({ data: { id: new mongoose.Types.ObjectId().toHexString() } }),
  },
  { name: 'outbox', kind: 'command', side: 'reseller', rule: 'operators', prepare: text('outbox') },

  // --- enrollment ---
  ...[Verbs.enrollmentSection, Verbs.enrollmentEdit, Verbs.enrollmentSubmit].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: open("continues the user's own enrollment dialog (enroll)"),
  })),
  ...[Verbs.enrollmentVerify, Verbs.enrollmentResendCode].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: open("anyone of the applicant's tenant: the mailbox is the proof (README)"),
  })),
  {
    name: 'enroll',
    kind: 'command',
    side: 'reseller',
    rule: open('anyone of a tenant with no partner starts; a resubmission checks the role'),
  },
  {
    name: 'verify',
    kind: 'command',
    side: 'reseller',
    rule: open("anyone of the applicant's tenant: the mailbox is the proof (README)"),
  },
  {
    name: 'status',
    kind: 'command',
    side: 'reseller',
    rule: 'partner.viewStatus',
    own: true,
    alsoAllowed: {
      noRole: 'a colleague with no role sees the state and is told to ask the Global admin',
    },
    refusedWith: 'Your organization is not enrolled yet.',
    prepare: text('status'),
  },
  ...(['approved', 'rejected'] as const).map((outcome): Row => ({
    name: outcome === 'approved' ? Verbs.reviewApprove : Verbs.reviewReject,
    kind: 'verb',
    side: 'reseller',
    rule: 'enrollment.review',
    changes: true,
    api: [
      door(`POST /applications/:id/${outcome === 'approved' ? 'approve' : 'reject'}`, (d) => ({
        path: `/applications/${String(d.partnerRef)}/${outcome === 'approved' ? 'approve' : 'reject'}`,
        body: outcome === 'approved' ? {} : { reason: String(d.reason) },
      })),
    ],
    async prepare(w) {
      await w
        .collection('partners')
        .updateOne(
          { _id: new mongoose.Types.ObjectId(w.applicant.id) },
          { $set: { status: 'underReview' }, $unset: { decision: '' } }
        );
      return { data: { partnerRef: w.applicant.id, reason: 'Not a CSP partner' } };
    },
  })),
  {
    name: 'review',
    kind: 'command',
    side: 'reseller',
    rule: 'enrollment.review',
    api: reads('/applications', '/applications.csv'),
    prepare: text('review'),
  },

  // --- partners / users ---
  {
    name: 'users',
    kind: 'command',
    side: 'reseller',
    rule: 'users.view',
    own: true,
    api: reads('/users', '/users.csv'),
    prepare: text('users'),
  },
  // --- Microsoft Graph (GDAP): the consent link and the connection, Global admins only ---
  {
    name: 'connect',
    kind: 'command',
    side: 'provider',
    rule: 'graph.connect',
    own: true,
    api: [
      door('POST /graph/connection/consent-link', () => ({
        path: '/graph/connection/consent-link',
      })),
    ],
    prepare: text('connect microsoft'),
  },
  {
    name: 'disconnect',
    kind: 'command',
    side: 'provider',
    rule: 'graph.connect',
    own: true,
    api: [door('DELETE /graph/connection', () => ({ path: '/graph/connection' }))],
    prepare: text('disconnect microsoft'),
  },
  {
    name: Verbs.usersPage,
    kind: 'verb',
    side: 'reseller',
    rule: 'users.view',
    own: true,
    prepare: async () => ({ data: { page: 0 } }),
  },
  {
    name: Verbs.usersUpdateRoles,
    kind: 'verb',
    side: 'reseller',
    rule: 'users.updateRoles',
    changes: true,
    api: [
      door('PUT /users/:aadObjectId/roles', (d) => ({
        path: `/users/${String(d.userId)}/roles`,
        body: { roles: ['salesAgent'] },
      })),
    ],
    async prepare(w) {
      const target = w.target;
      await w.setRoles(cast.reseller, target, ['helpdeskAgent']);
      return {
        data: { userId: target.aadObjectId, [rolesInputId(target.aadObjectId)]: 'salesAgent' },
      };
    },
  },

  // --- relationships ---
  {
    name: 'directory',
    kind: 'command',
    side: 'reseller',
    rule: 'relationships.view',
    own: true,
    api: reads('/partners'),
    prepare: text('directory'),
  },
  {
    name: 'providers',
    kind: 'command',
    side: 'reseller',
    rule: 'relationships.view',
    own: true,
    api: reads('/relationships', '/relationships.csv'),
    prepare: text('providers'),
  },
  {
    name: 'resellers',
    kind: 'command',
    side: 'provider',
    rule: 'relationships.view',
    own: true,
    api: reads('/relationships'),
    prepare: text('resellers'),
  },
  {
    name: 'invite',
    kind: 'command',
    side: 'provider',
    rule: 'relationships.manage',
    own: true,
    prepare: text('invite'),
  },
  {
    name: Verbs.directoryPage,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.view',
    own: true,
    prepare: async () => ({ data: { page: 0 } }),
  },
  {
    name: Verbs.relationshipRequestForm,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    own: true,
    prepare: async (w) => ({ data: { providerRef: w.provider.id } }),
  },
  {
    name: Verbs.relationshipRequest,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    own: true,
    changes: true,
    async prepare(w) {
      await w.clear();
      return { data: { providerRef: w.provider.id, consent: 'true', ...GRANT } };
    },
  },
  {
    name: Verbs.relationshipInvite,
    kind: 'verb',
    side: 'provider',
    rule: 'relationships.manage',
    own: true,
    changes: true,
    // A provider invites resellers over the API from a file (issue 31), one row here.
    api: [
      door('POST /invitations/bulk/csv', (d) => ({
        path: '/invitations/bulk/csv?dryRun=false',
        body: {
          csv: `email,partnerId,days\n${String(d.email)},${String(d.partnerId)},${90 + ++files}\n`,
        },
      })),
    ],
    async prepare(w) {
      await w.clear();
      return {
        data: { email: cast.reseller.email, partnerId: w.reseller.partnerId, ...GRANT },
      };
    },
  },
  ...[Verbs.relationshipView, Verbs.relationshipHistory].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.view',
    // One relationship with its history: both cards' content in one answer.
    ...(name === Verbs.relationshipView
      ? {
          api: [
            door('GET /relationships/:id', (d) => ({
              path: `/relationships/${String(d.relationshipRef)}`,
            })),
          ],
        }
      : {}),
    prepare: async (w) => ({ data: { relationshipRef: await w.pendingByProvider() } }),
  })),
  {
    name: Verbs.relationshipAuthorize,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [relationshipDoor('authorize', { consent: true })],
    prepare: async (w) => ({
      data: { relationshipRef: await w.pendingByProvider(), consent: 'true' },
    }),
  },
  {
    name: Verbs.relationshipDecline,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [relationshipDoor('decline')],
    // Decline's second click (the first asks for an optional reason).
    prepare: async (w) => ({
      data: { relationshipRef: await w.pendingByProvider(), confirmed: 'yes' },
    }),
  },
  ...[Verbs.relationshipWithdraw, Verbs.relationshipResend].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [relationshipDoor(name === Verbs.relationshipWithdraw ? 'withdraw' : 'resend')],
    prepare: async (w) => ({ data: { relationshipRef: await w.pendingByReseller() } }),
  })),
  ...[Verbs.resellerInvitationRevoke, Verbs.resellerInvitationResend].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'provider',
    rule: 'relationships.manage',
    changes: true,
    api: [
      door(
        `POST /invitations/:id/${name === Verbs.resellerInvitationRevoke ? 'revoke' : 'resend'}`,
        (d) => ({
          path: `/invitations/${String(d.invitationRef)}/${
            name === Verbs.resellerInvitationRevoke ? 'revoke' : 'resend'
          }?kind=reseller`,
        })
      ),
    ],
    // Revoke's second click (the first only asks); Resend's one.
    prepare: async (w) => ({
      data: { invitationRef: await w.waitingInvitation(), confirmed: 'yes' },
    }),
  })),
  {
    name: Verbs.relationshipEnd,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [relationshipDoor('end', { confirmed: true })],
    prepare: async (w) => ({ data: { relationshipRef: await w.active(), confirmed: 'yes' } }),
  },
  {
    name: Verbs.relationshipExtend,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [relationshipDoor('extend', { days: 200, consent: true })],
    prepare: async (w) => ({
      // The confirmation's second click: the first only shows old -> new end.
      data: { relationshipRef: await w.active(), ...GRANT, durationDays: '200', confirmed: 'yes' },
    }),
  },
  {
    name: Verbs.relationshipAutoExtend,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [relationshipDoor('autoExtendOn')],
    prepare: async (w) => ({ data: { relationshipRef: await w.active() } }),
  },
  ...[Verbs.relationshipAuthorizeChange, Verbs.relationshipDeclineChange].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    api: [
      name === Verbs.relationshipAuthorizeChange
        ? relationshipDoor('authorizeChange', { consent: true })
        : relationshipDoor('declineChange'),
    ],
    prepare: async (w) => ({
      data: { relationshipRef: await w.activeWithChange(), consent: 'true' },
    }),
  })),
  {
    name: Verbs.resellerInvitationAccept,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.manage',
    changes: true,
    async prepare(w) {
      await w.clear();
      const sent = await w.app.app.modules.relationships.invitations.invite(
        cast.provider,
        { email: cast.reseller.email, partnerId: w.reseller.partnerId, grant: GRANT_IN },
        'en'
      );
      return { data: { invitationRef: sent.invitation.id } };
    },
  },
  {
    name: Verbs.relationshipsPage,
    kind: 'verb',
    side: 'reseller',
    rule: 'relationships.view',
    own: true,
    prepare: async () => ({ data: { page: 0 } }),
  },
  {
    name: Verbs.relationshipsBulk,
    kind: 'verb',
    side: 'provider',
    rule: 'relationships.manage',
    own: true,
    // The API's bulk call names the relationships (the card acted on the provider's list).
    api: [
      door(
        'POST /relationships/bulk',
        async (_d, w) => ({
          path: '/relationships/bulk',
          body: {
            action: 'autoExtendOn',
            ids: (await w.collection('relationships').find({}).toArray()).map((r) => String(r._id)),
          },
        }),
        { own: false, changes: true, bulk: true }
      ),
    ],
    async prepare(w) {
      await w.active();
      return { data: { kind: 'autoExtendOn' } };
    },
  },

  // --- invitations (customers) ---
  {
    name: 'invite customer',
    kind: 'command',
    side: 'reseller',
    rule: 'customers.invite',
    own: true,
    prepare: text('invite customer'),
  },
  {
    name: 'invitations',
    kind: 'command',
    side: 'reseller',
    rule: 'customers.view',
    own: true,
    api: reads('/invitations', '/invitations.csv'),
    prepare: text('invitations'),
  },
  {
    name: 'customers',
    kind: 'command',
    side: 'reseller',
    rule: 'customers.view',
    own: true,
    api: reads('/customers', '/customers.csv'),
    prepare: text('customers'),
  },
  {
    name: 'partners',
    kind: 'command',
    side: 'reseller',
    rule: open("the customer's side: its own tenant's partners"),
  },
  {
    name: 'accept',
    kind: 'command',
    side: 'reseller',
    rule: open('whoever holds the code: the code is the proof'),
  },
  ...[Verbs.invitationAccept, Verbs.invitationDecline].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: open('the customer who opened it with its code (invitations e2e)'),
  })),
  {
    name: Verbs.invitationCreate,
    kind: 'verb',
    side: 'reseller',
    rule: 'customers.invite',
    own: true,
    changes: true,
    // Over the API a reseller invites customers from a file (issue 31), one row here.
    api: [
      door('POST /invitations/bulk/csv', (d) => ({
        path: '/invitations/bulk/csv?dryRun=false',
        body: { csv: `company\n${String(d.companyName)} ${++files}\n` },
      })),
    ],
    async prepare(w) {
      await w.clear();
      return { data: { relationshipRef: 'none', companyName: 'Northwind Traders' } };
    },
  },
  {
    name: Verbs.invitationDone,
    kind: 'verb',
    side: 'reseller',
    rule: 'customers.view',
    prepare: async (w) => ({ data: { invitationRef: await w.invitation() } }),
  },
  ...[Verbs.invitationRevoke, Verbs.invitationResend].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: 'invitations.manage',
    changes: true,
    api: [
      door(
        `POST /invitations/:id/${name === Verbs.invitationRevoke ? 'revoke' : 'resend'}`,
        (d) => ({
          path: `/invitations/${String(d.invitationRef)}/${
            name === Verbs.invitationRevoke ? 'revoke' : 'resend'
          }`,
        })
      ),
      door(
        'POST /invitations/bulk',
        (d) => ({
          path: '/invitations/bulk',
          body: {
            action: name === Verbs.invitationRevoke ? 'revoke' : 'resend',
            ids: [d.invitationRef],
          },
        }),
        { bulk: true }
      ),
    ],
    // Revoke's second click (the first only asks): the one that changes something.
    prepare: async (w) => ({ data: { invitationRef: await w.invitation(), confirmed: 'yes' } }),
  })),
  ...[Verbs.invitationView, Verbs.invitationHistory].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: 'customers.view',
    // One invitation with its history: both cards' content in one answer.
    ...(name === Verbs.invitationView
      ? {
          api: [
            door('GET /invitations/:id', (d) => ({
              path: `/invitations/${String(d.invitationRef)}`,
            })),
          ],
        }
      : {}),
    prepare: async (w) => ({ data: { invitationRef: await w.invitation() } }),
  })),
  {
    name: Verbs.relationshipCustomers,
    kind: 'verb',
    side: 'reseller',
    rule: 'customers.view',
    prepare: async (w) => ({ data: { relationshipRef: await w.pendingByProvider() } }),
  },
  {
    name: Verbs.customersPage,
    kind: 'verb',
    side: 'reseller',
    rule: 'customers.view',
    own: true,
    prepare: async () => ({ data: { page: 0 } }),
  },
  ...[Verbs.customerPartners, Verbs.customerEndPartner].map((name): Row => ({
    name,
    kind: 'verb',
    side: 'reseller',
    rule: open("the customer's side: its own tenant's admins (invitations e2e)"),
  })),
  {
    name: Verbs.invitationsPage,
    kind: 'verb',
    side: 'reseller',
    rule: 'customers.view',
    own: true,
    prepare: async () => ({ data: { page: 0 } }),
  },
  {
    name: Verbs.invitationsCleanUp,
    kind: 'verb',
    side: 'reseller',
    rule: 'invitations.manage',
    own: true,
    async prepare(w) {
      const id = await w.invitation();
      await w
        .collection('invitations')
        .updateOne(
          { _id: new mongoose.Types.ObjectId(id) },
          { $set: { expiresAt: new Date(w.now().getTime() - 60_000) } }
        );
      return { data: {} };
    },
  },
];

/** The data keys a row's click carries (the ref it names), from its rule's verb family. */
function ROW_DATA_KEYS(row: Row): Record<string, true> {
  if (row.name.startsWith('relationship.') && row.name !== Verbs.relationshipRequest) {
    return row.name === Verbs.relationshipInvite ? {} : { relationshipRef: true };
  }
  if (row.name.startsWith('invitation.') && row.name !== Verbs.invitationCreate) {
    return { invitationRef: true };
  }
  if (row.name.startsWith('review.')) return { partnerRef: true };
  return {};
}

function text(t: string) {
  return async (): Promise<Prepared> => ({ text: t });
}

/** Whether the matrix allows a column to do a row (undefined: an open row, not role-checked). */
export function allowed(row: Row, column: Column): boolean | undefined {
  if (typeof row.rule === 'object') return undefined;
  if (row.alsoAllowed?.[column.kind]) return true;
  if (row.rule === 'operators') return column.kind === 'operator';
  const rule = row.rule;
  switch (column.kind) {
    case 'role':
      return can(rule, [column.role]);
    case 'otherTenant':
      // Another tenant's roles decide for that tenant's own lists and forms, never here.
      return row.own ? can(rule, [column.role]) : false;
    case 'operator':
      return can(rule, [], true);
    default:
      return false;
  }
}

/** Every refusal the product can give, in English: a refused action says one of them. */
function refusalTexts(): string[] {
  const dir = path.resolve('i18n/en');
  const out: string[] = [];
  const collect = (n: unknown) => {
    if (typeof n === 'string') out.push(n.replace(/\{\{[^}]+\}\}.*$/s, '').trim());
    else if (n && typeof n === 'object') Object.values(n).forEach(collect);
  };
  for (const file of fs.readdirSync(dir)) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    if (file === 'errors.json') collect(json);
    else collect(json.errors);
  }
  return out.filter((s) => s.length >= 12);
}

/** Collections a turn writes whatever it does (state, references, the roster's last seen). */
// Bookkeeping the delivery side keeps at its own pace: the outbox's lease and its per-recipient
// readiness (made and dropped as earlier notices are queued and delivered). A notice made shows in
// `notifications`, which is compared.
const VOLATILE = new Set([
  'botstates',
  'conversationreferences',
  'users',
  'leases',
  'notification_recipients',
]);

export type Matrix = Awaited<ReturnType<typeof startMatrix>>;

/** Persona `n` of a made-up tenant (its first user is the enroller). */
function tenantPerson(tenantDigit: string, n: number, givenName: string, domain: string): Persona {
  const tenantId = `${tenantDigit.repeat(8)}-${tenantDigit.repeat(4)}-${tenantDigit.repeat(4)}-${tenantDigit.repeat(4)}-${tenantDigit.repeat(12)}`;
  const email = `${givenName.toLowerCase()}@${domain}`;
  return {
    ...personas.reseller,
    id: `user-${tenantDigit}-${n}`,
    tenantId,
    aadObjectId: `${tenantDigit.repeat(8)}-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `${givenName} Outsider`,
    givenName,
    surname: 'Outsider',
    email,
    upn: email,
    organization: domain,
  };
}

export async function startMatrix(env: Record<string, string> = {}) {
  // A Graph app id: `connect microsoft` makes its link (no Graph call is made for it).
  const w = await startRelationshipsWorld({
    ...OPERATOR_ENV,
    GRAPH_CLIENT_ID: '0b1c2d3e-0000-4000-8000-00000000c0de',
    ...env,
  });
  const { app } = w;
  await app.post(app.teams.install(personas.operator));

  /** Four people holding one role each (the enroller, holding two, only sets things up). */
  const staff = async (admin: Persona, partner: Partner) => {
    const byRole = {} as Record<Role | 'none', Persona>;
    let n = 40;
    for (const [title, role] of [...ROLE_COLUMNS, ['None', 'none'] as const]) {
      const p = colleague(
        admin,
        n++,
        title.split(' ')[0]!.replace(/^./, (c) => c.toUpperCase())
      );
      await app.post(app.teams.install(p));
      if (role !== 'none') await w.setRoles(admin, p, [role]);
      byRole[role] = p;
    }
    return { partner, admin, byRole };
  };
  const otherReseller = tenantPerson('4', 1, 'Nora', 'northwind-resale.example');
  const otherProvider = tenantPerson('5', 1, 'Wade', 'woodgrove-supply.example');
  const applicantAdmin = tenantPerson('6', 1, 'Alex', 'adatum-apply.example');
  for (const p of [otherReseller, otherProvider, applicantAdmin]) {
    await app.post(app.teams.install(p));
  }
  const sides = {
    reseller: await staff(cast.reseller, w.reseller),
    provider: await staff(cast.provider, w.provider),
  };
  const others = {
    reseller: await staff(
      otherReseller,
      await w.approvedPartner('reseller', otherReseller, { legalName: 'Northwind Resale' })
    ),
    provider: await staff(
      otherProvider,
      await w.approvedPartner('provider', otherProvider, { legalName: 'Woodgrove Supply' })
    ),
  };
  const applicant = await w.approvedPartner('reseller', applicantAdmin, {
    legalName: 'Adatum Applicant',
    status: 'underReview',
  });
  const target = colleague(cast.reseller, 60, 'Target');
  await app.post(app.teams.install(target));

  const invitations = () => app.app.modules.invitations.service;
  const clear = async () => {
    for (const name of ['relationships', 'invitations', 'customers', 'customerlinks']) {
      await w.collection(name).deleteMany({});
    }
  };
  return {
    ...w,
    sides,
    others,
    applicant,
    target,
    clear,
    async pendingByProvider(): Promise<string> {
      await clear();
      return (await w.service.invite(cast.provider, w.reseller.id, GRANT_IN)).id;
    },
    async pendingByReseller(): Promise<string> {
      await clear();
      return (await w.service.request(cast.reseller, w.provider.id, GRANT_IN, true)).id;
    },
    async active(): Promise<string> {
      await clear();
      const id = (await w.service.request(cast.reseller, w.provider.id, GRANT_IN, true)).id;
      await w.service.authorize(cast.provider, id);
      return id;
    },
    /** Active, with a change the provider asked for waiting for the reseller's consent. */
    async activeWithChange(): Promise<string> {
      await clear();
      const id = (await w.service.request(cast.reseller, w.provider.id, GRANT_IN, true)).id;
      await w.service.authorize(cast.provider, id);
      await w.service.autoExtendOn(cast.provider, id);
      return id;
    },
    /** A provider's invitation to a reseller not enrolled yet. */
    async waitingInvitation(): Promise<string> {
      await clear();
      await w.collection('resellerInvitations').deleteMany({});
      const sent = await app.app.modules.relationships.invitations.invite(
        cast.provider,
        { email: 'owner@newcomer.example', grant: GRANT_IN },
        'en'
      );
      return sent.invitation.id;
    },
    async invitation(): Promise<string> {
      await clear();
      const created = await invitations().inviteCustomer(cast.reseller, {
        companyName: 'Northwind Traders',
      });
      return created.view.invitation.id;
    },
    /** An object of the other tenants' pair, made after the row's own set-up. */
    async foreign(field: 'relationshipRef' | 'invitationRef'): Promise<string> {
      if (field === 'relationshipRef') {
        const r = await w.service.request(
          otherReseller,
          others.provider.partner.id,
          GRANT_IN,
          true
        );
        await w.service.authorize(otherProvider, r.id);
        return r.id;
      }
      const created = await invitations().inviteCustomer(otherReseller, {
        companyName: 'Tailspin Toys',
      });
      return created.view.invitation.id;
    },
    who(row: Row, column: Column): Persona {
      switch (column.kind) {
        case 'role':
          return sides[row.side].byRole[column.role];
        case 'noRole':
          return sides[row.side].byRole.none;
        case 'otherTenant':
          return others[row.side].byRole[column.role];
        case 'noPartner':
          return cast.customer;
        case 'operator':
          return personas.operator;
      }
    },
  };
}

/** Which documents differ between two reads of `settled` (collection and document, short). */
export function changed(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, unknown[]>;
  const b = JSON.parse(after) as Record<string, unknown[]>;
  const out: string[] = [];
  for (const name of Object.keys(b)) {
    const was = new Set((a[name] ?? []).map((d) => JSON.stringify(d)));
    for (const doc of b[name]!) {
      const json = JSON.stringify(doc);
      if (!was.has(json)) out.push(`${name}: ${json.slice(0, 600)}`);
    }
    if ((a[name] ?? []).length !== b[name]!.length) out.push(`${name}: count changed`);
  }
  return out;
}

/**
 * The collections that can change, once the database is at rest: no record still owes notices
 * (the owed-notice stamp stays until its notices are in the outbox) and two reads in a row agree.
 * Waits on that state, not on a pause: at rest (the usual case) it costs two reads.
 */
export async function settled(w: Matrix): Promise<string> {
  const names = Object.values(w.app.app.db.connection.models)
    .map((m) => m.collection.collectionName)
    .filter((n) => !VOLATILE.has(n))
    .sort();
  const read = async () => {
    const out: Record<string, unknown[]> = {};
    let owes = false;
    for (const name of names) {
      // The outbox delivers earlier notices at its own pace: a notice made is the change, so
      // only its key is read (the rendered cards it carries are most of the database's bytes).
      const docs = await w
        .collection(name)
        .find({}, name === 'notifications' ? { projection: { key: 1 } } : {})
        .sort({ _id: 1 })
        .toArray();
      owes ||= docs.some((d) => d.noticeOwedAt !== undefined);
      out[name] = docs;
    }
    return { json: JSON.stringify(out), owes };
  };
  const until = Date.now() + 10_000;
  let last = '';
  for (;;) {
    // What earlier turns owe others runs after their answers: the signal that it is done.
    await w.app.app.owedWork.idle();
    const next = await read();
    if (next.json === last && !next.owes) return next.json;
    if (Date.now() > until) throw new Error('the database did not settle');
    // Something is on its way: look again shortly (a read in a row, at once, the first time).
    if (last) await new Promise((r) => setTimeout(r, 20));
    last = next.json;
  }
}

/**
 * The matrix's cases for some of its columns, on a server of their own: its three test files run
 * beside each other in `npm test`'s parallel workers (the whole matrix in one file was the run's
 * longest file by far). The first part also checks that the table lists everything.
 */
export function describeMatrix(part: string, kinds: readonly Column['kind'][]): void {
  describe(`authorization matrix: every verb and command, ${part} (real server)`, function () {
    this.timeout(600_000);
    let w: Matrix;
    const refusals = refusalTexts();
    before(async () => {
      w = await startMatrix();
    });
    after(async () => {
      await w?.stop();
    });

    if (kinds.includes('role'))
      it('the table lists every card verb and every command the product registers', () => {
        const listed = new Set(ROWS.map((r) => `${r.kind}:${r.name}`));
        const features: Feature[] = Object.values(w.app.app.modules).flatMap(
          (m) => (m as { features?: Feature[] }).features ?? []
        );
        const registered = [
          ...Object.values(Verbs).map((v) => `verb:${v}`),
          ...features.flatMap((f) => (f.cardActions ?? []).map((a) => `verb:${a.verb}`)),
          ...features.flatMap((f) => (f.commands ?? []).map((c) => `command:${c.names[0]}`)),
          // The built-in basics are added by the bot itself, not a feature.
          'command:help',
          'command:cancel',
          'command:language',
          // `status` too: made of the features' parts (enrollment's, a customer's).
          'command:status',
        ];
        // The product's features were found (else only the verbs file would be compared).
        expect(registered).to.include('command:invite customer').and.include('verb:outbox.retry');
        const missing = [...new Set(registered)].filter((k) => !listed.has(k));
        expect(missing, 'verbs or commands with no row in the authorization matrix').to.deep.equal(
          []
        );
        const stale = [...listed].filter((k) => !registered.includes(k));
        expect(stale, 'rows for verbs or commands that no longer exist').to.deep.equal([]);
      });

    for (const row of ROWS) {
      if (typeof row.rule === 'object') continue;
      for (const column of COLUMNS.filter((c) => kinds.includes(c.kind))) {
        const expected = allowed(row, column)!;
        it(`${row.kind} ${row.name} (${typeof row.rule === 'string' ? row.rule : ''}): ${
          expected ? 'allowed' : 'refused'
        } for ${column.title} of the ${row.side}${
          row.alsoAllowed?.[column.kind] ? ` (${row.alsoAllowed[column.kind]})` : ''
        }`, async () => {
          const who = w.who(row, column);
          const prepared = await row.prepare!(w);
          const before = await settled(w);
          let status: number;
          let seen: string;
          if (prepared.text !== undefined) {
            const said = await w.say(who, prepared.text);
            status = 200;
            seen = said.seen;
          } else {
            const res = await w.click(who, row.name, prepared.data ?? {});
            status = res.status;
            seen = res.seen;
          }
          const after = await settled(w);
          expect(status, seen).to.equal(200);
          expect(seen, 'a reply').to.not.equal('');
          expect(seen).to.not.include(GENERIC_APOLOGY);
          const refusal = [...refusals, ...(row.refusedWith ? [row.refusedWith] : [])].find((r) =>
            seen.includes(r)
          );
          if (expected) {
            expect(refusal, `refused: ${seen}`).to.equal(undefined);
            if (row.changes)
              expect(after, 'the allowed action changed nothing').to.not.equal(before);
          } else {
            expect(refusal, `no clear refusal in: ${seen}`).to.be.a('string');
            expect(
              changed(before, after),
              `a refused action changed the database:\n${seen}`
            ).to.deep.equal([]);
          }
          if (column.kind === 'otherTenant' || column.kind === 'noPartner') {
            const mine = w.sides[row.side].partner;
            expect(seen).to.not.include(mine.legalName).and.not.include(mine.partnerId);
          }
        });
      }
    }
  });
}

/** Every state-changing verb posted twice, and with another tenant's reference. */
export function describeReplays(): void {
  describe('replays and forged references: every state-changing verb (real server)', function () {
    this.timeout(300_000);
    let w: Matrix;
    before(async () => {
      w = await startMatrix();
    });
    after(async () => {
      await w?.stop();
    });
    const changing = ROWS.filter(
      (r) => r.kind === 'verb' && r.changes && typeof r.rule !== 'object'
    );

    for (const row of changing) {
      it(`${row.name}: the same invoke posted twice changes things once`, async () => {
        const who = row.rule === 'enrollment.review' ? personas.operator : w.sides[row.side].admin;
        const { data = {} } = await row.prepare!(w);
        const invoke = w.app.teams.cardAction(who, row.name, data);
        const start = await settled(w);
        const first = await w.app.post(invoke);
        const once = await settled(w);
        const second = await w.app.post(invoke);
        const twice = await settled(w);
        expect(first.status).to.equal(200);
        expect(changed(start, once), 'the first invoke did its work').to.not.deep.equal([]);
        expect(second.status).to.equal(200);
        expect(JSON.stringify(second.body)).to.not.include(GENERIC_APOLOGY);
        expect(changed(once, twice), 'the replay changed the database again').to.deep.equal([]);
      });
    }

    const refField = (row: Row) =>
      ['relationshipRef', 'invitationRef', 'partnerRef'].find((f) => f in ROW_DATA_KEYS(row));
    for (const row of changing) {
      const field = refField(row);
      if (!field || field === 'partnerRef') continue;
      it(`${row.name}: a ${field} of another tenant's pair is refused and changes nothing`, async () => {
        const who = w.sides[row.side].admin;
        const { data = {} } = await row.prepare!(w);
        const foreign = await w.foreign(field as 'relationshipRef' | 'invitationRef');
        const before = await settled(w);
        const res = await w.click(who, row.name, { ...data, [field]: foreign });
        const after = await settled(w);
        expect(res.status).to.equal(200);
        expect(res.seen).to.match(/not found|not available/i);
        expect(res.seen).to.not.include('Northwind Resale').and.not.include('Woodgrove Supply');
        expect(changed(before, after)).to.deep.equal([]);
      });
    }
  });
}
