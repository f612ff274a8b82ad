import type { z } from 'zod';
import type { ReviewService } from '../../../domain/enrollment/review.service.js';
import { applicationActions } from '../../../domain/enrollment/application.js';
import type { InvitationService } from '../../../domain/invitations/invitation.service.js';
import type { Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import type { Notifier } from '../../../domain/notifications/notification.js';
import { t } from '../../../i18n/i18n.js';
import { ApiError, apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { tellRolesGiven } from '../partners/users.feature.js';
import { pageInMemory, type ApiKit } from './api-kit.js';
import {
  ApplicationActionBodies,
  ApplicationActionResultSchema,
  ApplicationListQuery,
  ApplicationPageSchema,
  CustomerListQuery,
  CustomerPageSchema,
  IdParam,
  UserListQuery,
  UserPageSchema,
  UserRolesBody,
  UserSchema,
} from './api.schemas.js';
import { applicationItem, customerItem } from './api-views.js';
import { z as zod } from 'zod';

type Cell = string | number | boolean | null;

/** A list the domain answers whole, as a page or as CSV (both from the same rows). */
function listAndCsv<Q extends { page: number; pageSize: number; order: 'asc' | 'desc' }, R>(o: {
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly query: z.ZodType<Q>;
  readonly page: z.ZodType;
  readonly rows: (actor: Actor, q: Q) => Promise<{ rows: R[]; by?: (r: R) => string }>;
  readonly columns: readonly string[];
  readonly cells: (r: R) => Cell[];
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: o.path,
      summary: o.summary,
      tag: o.tag,
      auth: 'bearer',
      query: o.query,
      response: o.page,
      async handle({ caller, query }) {
        const { rows, by } = await o.rows(await o.kit.actorOf(caller), query);
        const found = pageInMemory(rows, query, by);
        return { body: { ...found, page: query.page, pageSize: query.pageSize } };
      },
    }),
    apiRoute({
      method: 'get',
      path: `${o.path}.csv`,
      summary: `${o.summary}, as CSV`,
      tag: o.tag,
      auth: 'bearer',
      query: o.query,
      response: 'csv',
      async handle({ caller, query, language }) {
        const { rows, by } = await o.rows(await o.kit.actorOf(caller), query);
        const all = pageInMemory(rows, { ...query, page: 0, pageSize: rows.length }, by).items;
        return {
          csv: {
            filename: `${o.path.slice(1)}.csv`,
            header: o.columns.map((c) => t(language, `api:csv.${c}`)),
            rows: (async function* () {
              for (const r of all) yield o.cells(r);
            })(),
          },
        };
      },
    }),
  ];
}

const matches = (text: string | undefined, ...values: (string | null | undefined)[]) =>
  !text || values.some((v) => (v ?? '').toLowerCase().includes(text.toLowerCase()));

/** Customers, users and roles, and the operators' applications. */
export function peopleRoutes(deps: {
  readonly invitations: InvitationService;
  readonly memberships: MembershipService;
  readonly review: ReviewService;
  readonly notifier?: Notifier;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { invitations, memberships, review, kit } = deps;
  const customers = listAndCsv({
    path: '/customers',
    summary: "The partner's customers (a provider's with their reseller)",
    tag: 'customers',
    query: CustomerListQuery,
    page: CustomerPageSchema,
    kit,
    async rows(actor, q) {
      const { rows } = await invitations.allCustomers(actor);
      const items = rows
        .map(customerItem)
        .filter((c) => matches(q.q, c.company, c.domain, c.tenantId, c.reseller?.legalName));
      const by =
        q.sort === 'company'
          ? (c: (typeof items)[number]) => c.company
          : q.sort === 'reseller'
            ? // Grouped by reseller, then by date, in the order asked.
              (c: (typeof items)[number]) => `${c.reseller?.legalName ?? ''}\u0000${c.since}`
            : (c: (typeof items)[number]) => c.since;
      return { rows: items, by };
    },
    columns: ['id', 'company', 'tenantId', 'domain', 'adminEmail', 'reseller', 'provider', 'since'],
    cells: (c) => [
      c.id,
      c.company,
      c.tenantId,
      c.domain,
      c.adminEmail,
      c.reseller?.legalName ?? null,
      c.provider?.legalName ?? null,
      c.since,
    ],
  });
  type UserRow = z.infer<typeof UserSchema>;
  const users = listAndCsv<z.infer<typeof UserListQuery>, UserRow>({
    path: '/users',
    summary: "The organization's users and their roles (Global admins)",
    tag: 'users',
    query: UserListQuery,
    page: UserPageSchema,
    kit,
    async rows(actor, q) {
      const { users } = await memberships.listUsers(actor);
      const items = users
        .map((u): UserRow => ({
          aadObjectId: u.aadObjectId,
          name: u.name ?? null,
          email: u.email ?? null,
          roles: [...u.roles],
        }))
        .filter((u) => (!q.state || u.roles.includes(q.state)) && matches(q.q, u.name, u.email));
      return { rows: items, by: (u) => u.name ?? u.aadObjectId };
    },
    columns: ['aadObjectId', 'name', 'email', 'roles'],
    cells: (u) => [u.aadObjectId, u.name, u.email, u.roles.join(' ')],
  });
  const applications = listAndCsv({
    path: '/applications',
    summary: 'Applications (operators): under review by default',
    tag: 'applications',
    query: ApplicationListQuery,
    page: ApplicationPageSchema,
    kit,
    async rows(actor, q) {
      // The review queue is what operators decide; the service refuses anyone else.
      const queue = await review.reviewQueue(actor);
      const viewer = { isOperator: kit.isOperator(actor) };
      const items = queue
        .map((p) => applicationItem(p, viewer))
        .filter((a) => (!q.state || a.state === q.state) && matches(q.q, a.legalName, a.partnerId));
      const by =
        q.sort === 'legalName'
          ? (a: (typeof items)[number]) => a.legalName
          : (a: (typeof items)[number]) => a.submittedAt;
      return { rows: items, by };
    },
    columns: ['id', 'legalName', 'partnerType', 'partnerId', 'country', 'state', 'submittedAt'],
    cells: (a) => [
      a.id,
      a.legalName,
      a.partnerType,
      a.partnerId,
      a.country,
      a.state,
      a.submittedAt,
    ],
  });

  const decide = (action: 'approve' | 'reject') =>
    apiRoute({
      method: 'post',
      path: `/applications/:id/${action}`,
      summary: `${action} an application under review (as the review card)`,
      tag: 'applications',
      auth: 'bearer',
      params: IdParam,
      body: ApplicationActionBodies[action] as z.ZodType<{ reason?: string }>,
      response: ApplicationActionResultSchema,
      async handle({ caller, params, body }) {
        const actor = await kit.actorOf(caller);
        const viewer = { isOperator: kit.isOperator(actor) };
        const before = await review.get(actor, params.id);
        if (!applicationActions(before, viewer).includes(action)) {
          throw new ApiError(409, 'conflict', 'api:errors.actionUnavailable');
        }
        const result =
          action === 'approve'
            ? await review.approve(actor, params.id)
            : await review.reject(actor, params.id, body?.reason ?? '');
        return {
          body: { ...applicationItem(result.partner, viewer), changedNow: result.decidedNow },
        };
      },
    });

  return [
    ...customers,
    ...users,
    apiRoute({
      method: 'put',
      path: '/users/:aadObjectId/roles',
      summary: "Sets a user's roles (Global admins), as the users card does",
      tag: 'users',
      auth: 'bearer',
      params: zod.object({ aadObjectId: zod.string().min(1).max(64) }),
      body: UserRolesBody,
      response: UserSchema,
      async handle({ caller, params, body }) {
        const actor = await kit.actorOf(caller);
        const saved = await memberships.setRoles(actor, params.aadObjectId, body.roles);
        await tellRolesGiven(deps.notifier, actor, params.aadObjectId, saved);
        return {
          body: {
            aadObjectId: saved.aadObjectId,
            name: saved.name ?? null,
            email: saved.email ?? null,
            roles: [...saved.roles],
          },
        };
      },
    }),
    ...applications,
    decide('approve'),
    decide('reject'),
  ];
}
