import type { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.js';
import type { InvitationService } from '../../../domain/invitations/invitation.service.js';
import { isPartyOf, type InvitationState } from '../../../domain/invitations/invitation.js';
import type { Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import { MAX_WAITING_LISTED } from '../../../domain/relationships/reseller-invitation.service.js';
import type { ResellerInvitationService } from '../../../domain/relationships/reseller-invitation.service.js';
import { t } from '../../../i18n/i18n.js';
import { ApiError, apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { allPages, mapRows, pageInMemory, type ApiKit } from './api-kit.js';
import { rowError } from './api-problems.js';
import { invitationLink } from '../invitations/invitation-notifier.js';
import {
  IdParam,
  InvitationActionQuery,
  InvitationActionResultSchema,
  InvitationBulkBody,
  InvitationBulkResultSchema,
  InvitationDetailSchema,
  InvitationListQuery,
  InvitationPageSchema,
  type InvitationSchema,
} from './api.schemas.js';
import { customerInvitationItem, invitationHistory, resellerInvitationItem } from './api-views.js';

type ListQuery = z.infer<typeof InvitationListQuery>;
type Item = z.infer<typeof InvitationSchema>;
type Detail = z.infer<typeof InvitationDetailSchema>;
type ActionResult = z.infer<typeof InvitationActionResultSchema>;

/** An invitation's version for ETag / If-Match: a Revoke moves its state, a Resend its end. */
export function invitationTag(item: Pick<Item, 'state' | 'expiresAt'>): string {
  return `"${item.state}-${Date.parse(item.expiresAt)}"`;
}

/**
 * Invitations a partner sent: customer invitations (a reseller's, with their provider) and a
 * provider's reseller invitations still waiting. Revoke and Resend are the services' own, as
 * on the cards; the actions offered are the domain's `invitationActions`.
 */
export function invitationRoutes(deps: {
  readonly customers: InvitationService;
  readonly resellers: ResellerInvitationService;
  readonly memberships: MembershipService;
  /** Where a customer invitation's link points (`PUBLIC_BASE_URL/invitations/<token>`). */
  readonly publicBaseUrl: string;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { customers, resellers, memberships, kit } = deps;

  const customerPage = async (actor: Actor, q: ListQuery) => {
    const mayManage = await kit.may(actor, 'invitations.manage');
    const found = await customers.page(actor, q.page, {
      pageSize: q.pageSize,
      ...(q.state === 'closed' ? { filter: 'closed' as const } : {}),
      ...(q.state && q.state !== 'closed' ? { state: q.state as InvitationState } : {}),
      ...(q.q ? { text: q.q } : {}),
      ...(q.sort ? { sort: { by: q.sort === 'to' ? 'company' : q.sort, order: q.order } } : {}),
    });
    return {
      items: found.items.map((v) => customerInvitationItem(v, mayManage)),
      total: found.total,
    };
  };

  const resellerPage = async (actor: Actor, q: ListQuery) => {
    const mayManage = await kit.may(actor, 'relationships.manage');
    const text = (q.q ?? '').toLowerCase();
    const rows = (await resellers.waiting(actor, MAX_WAITING_LISTED))
      .map((inv) => resellerInvitationItem(inv, mayManage))
      .filter(
        (i) => (!q.state || q.state === i.state) && (!text || i.to.toLowerCase().includes(text))
      );
    const by = q.sort ?? 'createdAt';
    return pageInMemory(rows, q, (i) => String(by === 'createdAt' ? i.sentAt : i[by]));
  };

  const page = (actor: Actor, q: ListQuery) =>
    q.kind === 'reseller' ? resellerPage(actor, q) : customerPage(actor, q);

  /** One invitation as its partners see it; anyone else's is not found (as on the bot). */
  const one = async (actor: Actor, kind: 'customer' | 'reseller', id: string): Promise<Detail> => {
    if (kind === 'reseller') {
      const found = (await resellers.waiting(actor, MAX_WAITING_LISTED)).find((i) => i.id === id);
      if (!found) throw new NotFoundError('invitations:errors.notFound');
      const item = resellerInvitationItem(found, await kit.may(actor, 'relationships.manage'));
      return { ...item, history: [] };
    }
    const { partner } = await memberships.authorize(actor, 'customers.view');
    const view = await customers.get(actor, id);
    if (!isPartyOf(view.invitation, partner.id))
      throw new NotFoundError('invitations:errors.notFound');
    const item = customerInvitationItem(view, await kit.may(actor, 'invitations.manage'));
    return { ...item, history: invitationHistory(view.invitation.history) };
  };

  const act = async (
    actor: Actor,
    kind: 'customer' | 'reseller',
    id: string,
    action: 'revoke' | 'resend',
    language: 'en' | 'ru',
    ifMatch?: string
  ): Promise<ActionResult> => {
    const before = await one(actor, kind, id);
    if (ifMatch && ifMatch !== '*' && ifMatch !== invitationTag(before)) {
      throw new ApiError(412, 'preconditionFailed', 'api:errors.stale');
    }
    if (!before.actions.includes(action)) {
      // Not offered to someone who may not manage these invitations: refused for who they are
      // (403, as the card says it), not told the record moved on (409), as for relationships.
      await memberships.authorize(
        actor,
        kind === 'reseller' ? 'relationships.manage' : 'invitations.manage'
      );
      throw new ApiError(409, 'conflict', 'api:errors.actionUnavailable');
    }
    if (kind === 'reseller') {
      const manages = await kit.may(actor, 'relationships.manage');
      if (action === 'revoke')
        return resellerInvitationItem(await resellers.revoke(actor, id), manages);
      const sent = await resellers.resend(actor, id, language);
      return {
        ...resellerInvitationItem(sent.invitation, manages),
        sent: { link: sent.link, code: sent.code, mailed: sent.mailed },
      };
    }
    const mayManage = await kit.may(actor, 'invitations.manage');
    if (action === 'revoke') {
      return customerInvitationItem((await customers.revoke(actor, id)).view, mayManage);
    }
    const created = await customers.resend(actor, id);
    return {
      ...customerInvitationItem(created.view, mayManage),
      sent: {
        link: invitationLink(deps.publicBaseUrl, created.secrets.token),
        code: created.secrets.code,
        mailed: created.mailed,
      },
    };
  };

  return [
    apiRoute({
      method: 'get',
      path: '/invitations',
      summary: 'Invitations sent: customer (a reseller) or reseller (a provider, still waiting)',
      tag: 'invitations',
      auth: 'bearer',
      query: InvitationListQuery,
      response: InvitationPageSchema,
      async handle({ caller, query }) {
        const found = await page(await kit.actorOf(caller), query);
        return { body: { ...found, page: query.page, pageSize: query.pageSize } };
      },
    }),
    apiRoute({
      method: 'get',
      path: '/invitations.csv',
      summary: 'The filtered invitations as CSV',
      tag: 'invitations',
      auth: 'bearer',
      query: InvitationListQuery,
      response: 'csv',
      async handle({ caller, query, language }) {
        const actor = await kit.actorOf(caller);
        const rows = await allPages((n, pageSize) => page(actor, { ...query, page: n, pageSize }));
        const h = (k: string) => t(language, `api:csv.${k}`);
        return {
          csv: {
            filename: 'invitations.csv',
            header: [
              'id',
              'kind',
              'state',
              'to',
              'email',
              'provider',
              'sentAt',
              'expiresAt',
              'acceptedBy',
              'tenantId',
              'domain',
            ].map(h),
            rows: mapRows(rows, (i) => [
              i.id,
              i.kind,
              i.state,
              i.to,
              i.email,
              i.provider?.legalName ?? null,
              i.sentAt,
              i.expiresAt,
              i.acceptedBy,
              i.tenantId,
              i.domain,
            ]),
          },
        };
      },
    }),
    apiRoute({
      method: 'get',
      path: '/invitations/:id',
      summary: 'One invitation with its history',
      tag: 'invitations',
      auth: 'bearer',
      params: IdParam,
      query: InvitationActionQuery,
      response: InvitationDetailSchema,
      async handle({ caller, params, query }) {
        const detail = await one(await kit.actorOf(caller), query.kind, params.id);
        return { body: detail, etag: invitationTag(detail) };
      },
    }),
    apiRoute({
      method: 'post',
      path: '/invitations/bulk',
      summary: 'Revoke or resend many invitations, with a result per row',
      tag: 'invitations',
      auth: 'bearer',
      body: InvitationBulkBody,
      response: InvitationBulkResultSchema,
      async handle({ caller, body, language, log }) {
        const actor = await kit.actorOf(caller);
        const results = [];
        for (const id of [...new Set(body.ids)]) {
          try {
            results.push({
              id,
              ok: true,
              item: await act(actor, body.kind, id, body.action, language),
            });
          } catch (err) {
            results.push({ id, ok: false, error: rowError(err, language, log) });
          }
        }
        return { body: { results } };
      },
    }),
    ...(['revoke', 'resend'] as const).map((action) =>
      apiRoute({
        method: 'post',
        path: `/invitations/:id/${action}`,
        summary: `${action} (as the card's button)`,
        tag: 'invitations',
        auth: 'bearer',
        params: IdParam,
        query: InvitationActionQuery,
        response: InvitationActionResultSchema,
        async handle({ caller, params, query, language, ifMatch }) {
          const actor = await kit.actorOf(caller);
          const item = await act(actor, query.kind, params.id, action, language, ifMatch);
          return { body: item, etag: invitationTag(item) };
        },
      })
    ),
  ];
}
