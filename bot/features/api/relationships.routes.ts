import { z } from 'zod';
import { NotAllowedError } from '../../../domain/errors.js';
import type { Actor } from '../../../domain/partners/actor.js';
import type { RelationshipState } from '../../../domain/relationships/relationship.js';
import type {
  RelationshipResult,
  RelationshipService,
  RelationshipView,
} from '../../../domain/relationships/relationship.service.js';
import { t } from '../../../i18n/i18n.js';
import { ApiError, apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { parseInput } from '../../../web/api/api-router.js';
import { allPages, mapRows, type ApiKit } from './api-kit.js';
import { rowError } from './api-problems.js';
import {
  DirectoryPageSchema,
  DirectoryQuery,
  IdParam,
  RelationshipActionBodies,
  RelationshipActionResultSchema,
  RelationshipBulkBody,
  RelationshipBulkResultSchema,
  RelationshipDetailSchema,
  RelationshipListQuery,
  RelationshipPageSchema,
} from './api.schemas.js';
import { party, relationshipHistory, relationshipItem } from './api-views.js';

type ListQuery = z.infer<typeof RelationshipListQuery>;
type ActionName = keyof typeof RelationshipActionBodies;

/** A relationship's version for ETag / If-Match: every change appends one history event. */
export function relationshipTag(view: RelationshipView): string {
  const r = view.relationship;
  return `"${r.history.length}-${r.expiresAt.getTime()}"`;
}

/**
 * Indirect providers / resellers: the list (paging, sort, search, state), one relationship with
 * its history, each action of its card, bulk actions and the CSV export. Every call is the
 * relationship service's, exactly as the card's button calls it: the same checks of who acts,
 * in which tenant and role, the same notices and card updates after.
 */
export function relationshipRoutes(deps: {
  readonly service: RelationshipService;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { service, kit } = deps;

  const page = async (actor: Actor, q: ListQuery) => {
    const grouped = q.state === 'closed' || q.state === 'expiringSoon';
    return service.page(actor, {
      page: q.page,
      pageSize: q.pageSize,
      ...(grouped ? { filter: q.state as 'closed' | 'expiringSoon' } : {}),
      ...(q.state && !grouped ? { state: q.state as RelationshipState } : {}),
      ...(q.q ? { text: q.q } : {}),
      ...(q.sort ? { sort: { by: q.sort, order: q.order } } : {}),
    });
  };

  /** The view and what this viewer may do now; 412 when If-Match names an older version. */
  const current = async (actor: Actor, id: string, ifMatch?: string) => {
    const view = await service.view(actor, id);
    if (ifMatch && ifMatch !== '*' && ifMatch !== relationshipTag(view)) {
      throw new ApiError(412, 'preconditionFailed', 'api:errors.stale');
    }
    const manages = await kit.may(actor, 'relationships.manage');
    return { view, item: relationshipItem(view, manages), manages };
  };

  const detail = async (actor: Actor, view: RelationshipView) => {
    const manages = await kit.may(actor, 'relationships.manage');
    return {
      ...relationshipItem(view, manages),
      history: relationshipHistory(view.relationship.history),
    };
  };

  /**
   * One action, as its card button does it. Offered or not is the domain's `availableActions`
   * (what the card shows): anything else is refused before the service is asked, with 403 for
   * a viewer who may not manage relationships and 409 for one whose record moved on.
   */
  const act = async (
    actor: Actor,
    id: string,
    action: ActionName,
    body: Record<string, unknown>,
    ifMatch?: string
  ) => {
    const { item, manages } = await current(actor, id, ifMatch);
    if (!(item.actions as string[]).includes(action)) {
      if (!manages) {
        throw new NotAllowedError('enrollment:errors.roleRequired', {
          context: 'relationships_manage',
        });
      }
      throw new ApiError(409, 'conflict', 'api:errors.actionUnavailable');
    }
    let extension: { from: string; to: string; asks: boolean } | undefined;
    let result: RelationshipResult;
    switch (action) {
      case 'authorize':
        result = await service.authorize(actor, id, body.consent === true);
        break;
      case 'decline':
        result = await service.decline(actor, id, String(body.reason ?? ''));
        break;
      case 'withdraw':
        result = await service.withdraw(actor, id);
        break;
      case 'resend':
        result = await service.resend(actor, id);
        break;
      case 'authorizeChange':
        result = await service.authorizeChange(actor, id, body.consent === true);
        break;
      case 'declineChange':
        result = await service.declineChange(actor, id);
        break;
      case 'extend': {
        const input = { days: body.days, ...(body.roles ? { roles: body.roles } : {}) };
        const plan = await service.planExtend(actor, id, input);
        result = await service.extend(actor, id, input, {
          consent: body.consent === true,
          ...(typeof body.endsAt === 'string' ? { endsAt: new Date(body.endsAt) } : {}),
        });
        extension = {
          from: plan.extension.from.toISOString(),
          to: plan.extension.to.toISOString(),
          asks: plan.extension.asks,
        };
        break;
      }
      case 'autoExtendOn':
        result = await service.autoExtendOn(actor, id);
        break;
      case 'end':
        result = await service.end(actor, id);
        break;
    }
    const view = await service.viewOf(actor, result.relationship);
    return {
      view,
      body: {
        ...(await detail(actor, view)),
        changedNow: result.changedNow,
        ...(extension ? { extension } : {}),
      },
    };
  };

  const actionRoutes = (Object.keys(RelationshipActionBodies) as ActionName[]).map((action) =>
    apiRoute({
      method: 'post',
      path: `/relationships/:id/${action}`,
      summary: `${action} (as the card's button)`,
      tag: 'relationships',
      auth: 'bearer',
      params: IdParam,
      body: RelationshipActionBodies[action] as z.ZodType<Record<string, unknown>>,
      response: RelationshipActionResultSchema,
      async handle({ caller, params, body, ifMatch }) {
        const actor = await kit.actorOf(caller);
        const done = await act(actor, params.id, action, body ?? {}, ifMatch);
        return { body: done.body, etag: relationshipTag(done.view) };
      },
    })
  );

  return [
    apiRoute({
      method: 'get',
      path: '/partners',
      summary: 'The directory of indirect providers a reseller may ask (PartnerID or name start)',
      tag: 'relationships',
      auth: 'bearer',
      query: DirectoryQuery,
      response: DirectoryPageSchema,
      async handle({ caller, query }) {
        const actor = await kit.actorOf(caller);
        const found = await service.directory(actor, {
          page: query.page,
          pageSize: query.pageSize,
          everywhere: query.everywhere === 'true',
          ...(query.q ? { text: query.q } : {}),
        });
        return {
          body: {
            items: found.items.map((e) => ({
              ...party(e.provider),
              open: e.open ? { id: e.open.id, state: e.open.state } : null,
            })),
            total: found.total,
            page: found.page,
            pageSize: query.pageSize,
          },
        };
      },
    }),
    apiRoute({
      method: 'get',
      path: '/relationships',
      summary: 'Indirect providers (a reseller) or indirect resellers (a provider)',
      tag: 'relationships',
      auth: 'bearer',
      query: RelationshipListQuery,
      response: RelationshipPageSchema,
      async handle({ caller, query }) {
        const actor = await kit.actorOf(caller);
        const [found, manages] = await Promise.all([
          page(actor, query),
          kit.may(actor, 'relationships.manage'),
        ]);
        return {
          body: {
            items: found.items.map((v) => relationshipItem(v, manages)),
            total: found.total,
            page: found.page,
            pageSize: query.pageSize,
          },
        };
      },
    }),
    apiRoute({
      method: 'get',
      path: '/relationships.csv',
      summary: 'The filtered list as CSV (every matching row)',
      tag: 'relationships',
      auth: 'bearer',
      query: RelationshipListQuery,
      response: 'csv',
      async handle({ caller, query, language }) {
        const actor = await kit.actorOf(caller);
        const manages = await kit.may(actor, 'relationships.manage');
        const rows = await allPages((n, pageSize) => page(actor, { ...query, page: n, pageSize }));
        const h = (k: string) => t(language, `api:csv.${k}`);
        return {
          csv: {
            filename: 'relationships.csv',
            header: [
              'id',
              'state',
              'provider',
              'providerPartnerId',
              'reseller',
              'resellerPartnerId',
              'country',
              'roles',
              'since',
              'expiresAt',
              'autoExtend',
            ].map(h),
            rows: mapRows(rows, (v) => {
              const i = relationshipItem(v, manages);
              const other = i.side === 'provider' ? i.reseller : i.provider;
              return [
                i.id,
                i.state,
                i.provider.legalName,
                i.provider.partnerId,
                i.reseller.legalName,
                i.reseller.partnerId,
                other.country,
                i.roles.join(' '),
                i.since,
                i.expiresAt,
                i.autoExtend,
              ];
            }),
          },
        };
      },
    }),
    apiRoute({
      method: 'get',
      path: '/relationships/:id',
      summary: 'One relationship with its history and what the viewer may do',
      tag: 'relationships',
      auth: 'bearer',
      params: IdParam,
      response: RelationshipDetailSchema,
      async handle({ caller, params }) {
        const actor = await kit.actorOf(caller);
        const view = await service.view(actor, params.id);
        return { body: await detail(actor, view), etag: relationshipTag(view) };
      },
    }),
    apiRoute({
      method: 'post',
      path: '/relationships/bulk',
      summary: 'One action on many relationships, with a result per row',
      tag: 'relationships',
      auth: 'bearer',
      body: RelationshipBulkBody,
      response: RelationshipBulkResultSchema,
      async handle({ caller, body, language, log }) {
        const actor = await kit.actorOf(caller);
        const fields =
          body.action === 'extend'
            ? { days: body.days, consent: body.consent }
            : body.action === 'end'
              ? { confirmed: body.confirmed }
              : {};
        const checked = parseInput(
          RelationshipActionBodies[body.action] as z.ZodType<Record<string, unknown>>,
          fields,
          'body',
          language
        );
        const results = [];
        // One after another: each is its own conditional update and its own notices.
        for (const id of [...new Set(body.ids)]) {
          try {
            const done = await act(actor, id, body.action, checked);
            const { history: _history, changedNow: _changed, extension: _ext, ...item } = done.body;
            results.push({ id, ok: true, item });
          } catch (err) {
            results.push({ id, ok: false, error: rowError(err, language, log) });
          }
        }
        return { body: { results } };
      },
    }),
    ...actionRoutes,
  ];
}
