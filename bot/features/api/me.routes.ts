import type { ReviewService } from '../../../domain/enrollment/review.service.js';
import type { InvitationService } from '../../../domain/invitations/invitation.service.js';
import { INVITATION_STATES } from '../../../domain/invitations/invitation.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import { ROLE_MATRIX, can, type Action } from '../../../domain/partners/roles.js';
import type { UserRepository } from '../../../domain/partners/user-repository.port.js';
import { relationshipOverview } from '../../../domain/relationships/relationship-overview.js';
import type { RelationshipService } from '../../../domain/relationships/relationship.service.js';
import { apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import type { ApiKit } from './api-kit.js';
import { MeSchema, OverviewSchema } from './api.schemas.js';

/** How many waiting items the Overview names (the rest are in their tables). */
const NEEDS_ME_SHOWN = 20;

/** Who I am (person, partner, roles, what they allow) and the Overview of what I own. */
export function meRoutes(deps: {
  readonly memberships: MembershipService;
  readonly users: UserRepository;
  readonly relationships: RelationshipService;
  readonly invitations: InvitationService;
  readonly review: ReviewService;
  readonly now: () => Date;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { memberships, kit } = deps;
  return [
    apiRoute({
      method: 'get',
      path: '/me',
      summary: 'The signed-in person, their partner, roles and what they may do',
      tag: 'me',
      auth: 'bearer',
      response: MeSchema,
      async handle({ caller, language }) {
        const actor = await kit.actorOf(caller);
        const [{ partner, roles }, known] = await Promise.all([
          memberships.rolesOf(actor),
          deps.users.get(actor),
        ]);
        const operator = memberships.isOperator(actor);
        const may = (Object.keys(ROLE_MATRIX) as Action[]).filter(
          (a) => (!!partner || ROLE_MATRIX[a].roles.length === 0) && can(a, roles, operator)
        );
        return {
          body: {
            person: {
              aadObjectId: actor.aadObjectId,
              tenantId: actor.tenantId,
              ...(actor.name ? { name: actor.name } : {}),
            },
            partner: partner
              ? {
                  id: partner.id,
                  legalName: partner.legalName,
                  partnerType: partner.partnerType,
                  partnerId: partner.partnerId,
                  status: partner.status,
                }
              : null,
            roles,
            operator,
            language: known?.language ?? language,
            may,
          },
        };
      },
    }),
    apiRoute({
      method: 'get',
      path: '/overview',
      summary: 'What needs me, what expires soon, counts by state, expiries by month',
      tag: 'me',
      auth: 'bearer',
      response: OverviewSchema,
      async handle({ caller }) {
        const actor = await kit.actorOf(caller);
        const operator = kit.isOperator(actor);
        const { partner } = await memberships.rolesOf(actor);
        const approved = partner?.status === 'approved' ? partner : undefined;
        const side = approved?.partnerType;
        const [relationships, manages, queue] = await Promise.all([
          side ? deps.relationships.list(actor, side) : Promise.resolve([]),
          kit.may(actor, 'relationships.manage'),
          operator ? deps.review.reviewQueue(actor) : Promise.resolve([]),
        ]);
        const overview = relationshipOverview(relationships, side ?? 'reseller', deps.now());
        const invitationCounts: Record<string, number> = {};
        if (approved?.partnerType === 'reseller' && (await kit.may(actor, 'customers.view'))) {
          for (const state of INVITATION_STATES) {
            const { total } = await deps.invitations.page(actor, 0, { state, pageSize: 1 });
            if (total) invitationCounts[state] = total;
          }
        }
        const waiting = manages ? overview.needsMe.slice(0, NEEDS_ME_SHOWN) : [];
        const titled = await Promise.all(
          waiting.map(async (r) => {
            const view = await deps.relationships.withPartners(r, side!);
            const other = side === 'provider' ? view.reseller : view.provider;
            return {
              kind: 'relationship' as const,
              id: r.id,
              title: other.legalName,
              since: r.requestedAt.toISOString(),
            };
          })
        );
        return {
          body: {
            needsMe: [
              ...titled,
              ...queue.slice(0, NEEDS_ME_SHOWN).map((p) => ({
                kind: 'application' as const,
                id: p.id,
                title: p.legalName,
                since: new Date(p.submittedAt).toISOString(),
              })),
            ],
            expiring: overview.expiring,
            counts: { relationships: overview.counts, invitations: invitationCounts },
            expiriesByMonth: overview.expiriesByMonth,
          },
        };
      },
    }),
  ];
}
