import { z } from 'zod';
import { render as renderDirectory } from '../../../cards/relationships/directory.card.js';
import { render as renderHistory } from '../../../cards/relationships/history.card.js';
import {
  render as renderRelationship,
  type RelationshipCardData,
} from '../../../cards/relationships/relationship.card.js';
import { render as renderList } from '../../../cards/relationships/relationships.card.js';
import { render as renderRequest } from '../../../cards/relationships/request.card.js';
import { render as renderInvitation } from '../../../cards/relationships/invitation.card.js';
import { render as renderResellerInvitation } from '../../../cards/relationships/reseller-invitation.card.js';
import { byText, dayText } from '../../../cards/relationships/relationship-text.js';
import { cardAttachment, type AdaptiveCardJson } from '../../../cards/shared/render-card.js';
import { userText } from '../../../cards/shared/user-text.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import { Verbs } from '../../../cards/verbs.js';
import { NotAllowedError, NotFoundError } from '../../../domain/errors.js';
import { isSamePerson, type Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import type { PartnerRepository } from '../../../domain/partners/partner.repository.js';
import { can } from '../../../domain/partners/roles.js';
import type { Relationship } from '../../../domain/relationships/relationship.js';
import {
  LIST_FILTERS,
  type ListFilter,
  type RelationshipResult,
  type RelationshipService,
  type RelationshipView,
} from '../../../domain/relationships/relationship.service.js';
import type {
  ResellerInvitationService,
  SentInvitation,
} from '../../../domain/relationships/reseller-invitation.service.js';
import { hasKey, t, type Language } from '../../../i18n/i18n.js';
import type { ListContext } from '../../../cards/shared/list-context.js';
import { cardAction, type CardAction, type Feature, type TurnScope } from '../../feature.js';
import { listContextFields, listContextOf } from '../../list-context.js';
import {
  parseRelationshipSubject,
  relationshipSubject,
  resellerInvitationSentSubject,
} from './relationship-subjects.js';

export interface RelationshipsFeatureDeps {
  readonly service: RelationshipService;
  readonly invitations: ResellerInvitationService;
  readonly memberships: MembershipService;
  readonly partners: PartnerRepository;
}

// Card inputs arrive as strings in Teams (toggles "true"/"false", a multi-select "a,b"): parsed
// here, bounded; what they mean (known roles, 1 to 730 days) is the domain's to check and say.
const ref = z.string().regex(/^[0-9a-f]{24}$/);
const toggle = z
  .union([z.boolean(), z.enum(['true', 'false', ''])])
  .optional()
  .transform((v) => v === true || v === 'true');
const roleList = z
  .union([z.string().max(500), z.array(z.string().max(64)).max(10)])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean)
  );
const dayCount = z
  .union([z.number(), z.string().max(12)])
  .optional()
  .transform((v) => (v === undefined || v === '' ? Number.NaN : Number(v)));
const pageNumber = z
  .union([z.number(), z.string().max(6)])
  .optional()
  .transform((v) => Math.min(10_000, Math.max(0, Math.floor(Number(v ?? 0)) || 0)));
const grantInput = { roles: roleList, durationDays: dayCount, autoExtend: toggle };
/** A moment a card carries back (the end it showed, the change it asked about), ISO 8601. */
const instant = z
  .string()
  .max(40)
  .refine((s) => s === '' || !Number.isNaN(Date.parse(s)))
  .optional()
  .transform((s) => (s ? new Date(s) : undefined));
/** A relationship verb's data: the relationship, and the list its card was opened from. */
const onRelationshipWith = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ relationshipRef: ref, ...listContextFields, ...shape }).passthrough();
const onRelationship = onRelationshipWith({});

/** Notes a late click is told about ("Already extended by..."), rather than the state. */
const ALREADY_NOTES = new Set<string>([
  'extended',
  'changeRequested',
  'changeAuthorized',
  'changeDeclined',
]);

/**
 * Relationships between indirect providers and resellers: `directory`, `providers`,
 * `resellers`, `invite reseller`, and the card verbs of their whole life (request, authorize,
 * decline, withdraw, resend, end, extend, auto-extend, history), each copy kept true in place.
 */
export function relationshipsFeature(deps: RelationshipsFeatureDeps): Feature {
  const { service, invitations, memberships, partners } = deps;

  const personalOnly = (scope: TurnScope) => {
    if (scope.conversationType !== 'personal')
      throw new NotAllowedError('relationships:errors.personalOnly');
  };
  const approvedOf = async (actor: Actor, type: 'reseller' | 'provider') => {
    const { partner, roles } = await memberships.rolesOf(actor);
    return partner?.status === 'approved' && partner.partnerType === type && roles.length > 0;
  };
  const mayManage = async (actor: Actor) =>
    can('relationships.manage', (await memberships.rolesOf(actor)).roles);

  /** The relationship card as the actor's side sees it, optionally with a line on top. */
  const cardOf = async (
    scope: TurnScope,
    id: string,
    note?: string,
    list?: ListContext
  ): Promise<AdaptiveCardJson> => cardFor(scope, await service.view(scope.actor, id), note, list);
  const cardFor = async (
    scope: TurnScope,
    view: RelationshipView,
    note?: string,
    list?: ListContext,
    /** A first click's step: End's or Decline's confirmation, Extend's old -> new end. */
    step: Pick<RelationshipCardData, 'confirmEnd' | 'confirmDecline' | 'confirmExtend'> = {}
  ): Promise<AdaptiveCardJson> => {
    const card = renderRelationship(
      { view, canManage: await mayManage(scope.actor), ...step, ...(list ? { list } : {}) },
      scope.language
    );
    return note ? withNotice(card, { text: note }) : card;
  };
  const subjectFor = async (scope: TurnScope, id: string) =>
    relationshipSubject(id, (await service.view(scope.actor, id)).side);

  /**
   * "Already authorized by Anna on 2 Dec 2026": a late click sees who did it; Anna's own second
   * click reads "Done: you authorized it on 2 Dec 2026", not her name as if someone else had.
   */
  const alreadyText = (language: Language, r: Relationship, actor: Actor): string => {
    const last = r.history[r.history.length - 1];
    const which = last?.note && ALREADY_NOTES.has(last.note) ? last.note : r.state;
    if (
      last &&
      isSamePerson(last.by, actor) &&
      hasKey(language, `relationships:card.done_${which}`)
    ) {
      return t(language, `relationships:card.done_${which}`, {
        date: dayText(language, last.at),
      });
    }
    return t(language, `relationships:card.already_${which}`, {
      name: last ? byText(language, last.by) : '',
      date: dayText(language, last?.at ?? r.expiresAt),
    });
  };

  /** The clicked card after a move: the relationship as the move returned it, not read again. */
  const shown = async (
    scope: TurnScope,
    result: RelationshipResult,
    list: ListContext | undefined,
    reply?: string
  ) => {
    const note = result.changedNow
      ? reply
      : alreadyText(scope.language, result.relationship, scope.actor);
    const view = await service.viewOf(scope.actor, result.relationship);
    return {
      card: await cardFor(scope, view, note, list),
      recordAs: relationshipSubject(view.relationship.id, view.side),
    };
  };

  /** A click that moves a relationship: every copy changes through the notices, once. */
  const move = <S extends z.ZodType>(
    verb: string,
    schema: S,
    run: (scope: TurnScope, data: z.infer<S>) => Promise<RelationshipResult | AdaptiveCardJson>
  ): CardAction<S> =>
    cardAction({
      verb,
      schema,
      scope: 'personal',
      respond: 'all',
      async handle(scope, data) {
        const result = await run(scope, data);
        if (!('relationship' in result)) return { card: result as AdaptiveCardJson };
        // Every move's schema is `onRelationshipWith(...)`: the list context is parsed there.
        const list = listContextOf(data as z.infer<typeof onRelationship>);
        return shown(scope, result as RelationshipResult, list);
      },
      current: async (scope, data) => {
        const parsed = onRelationship.safeParse(data);
        return parsed.success
          ? cardOf(scope, parsed.data.relationshipRef, undefined, listContextOf(parsed.data))
          : undefined;
      },
    });

  const listCard = async (
    scope: TurnScope,
    page: number,
    expiringSoon: boolean,
    search: { filter?: ListFilter; text?: string } = {},
    confirmRevoke?: string
  ) => {
    const result = await service.page(scope.actor, { page, expiringSoon, ...search });
    const canManage = await mayManage(scope.actor);
    const bulkCount =
      result.side === 'provider' && canManage
        ? await service.bulkCount(scope.actor, { expiringSoon })
        : 0;
    // A provider also sees its invitations no reseller has enrolled for yet.
    const waiting = result.side === 'provider' ? await invitations.waiting(scope.actor) : [];
    return renderList(
      {
        page: result,
        side: result.side,
        expiringSoon,
        canManage,
        bulkCount,
        ...search,
        waiting,
        ...(confirmRevoke ? { confirmRevoke } : {}),
      },
      scope.language
    );
  };

  const directoryCard = async (
    scope: TurnScope,
    opts: { text: string; everywhere: boolean; page: number }
  ) => {
    const page = await service.directory(scope.actor, opts);
    const { partner } = await memberships.rolesOf(scope.actor);
    return renderDirectory(
      {
        page,
        country: partner?.tenantCountry ?? '',
        everywhere: opts.everywhere,
        text: opts.text,
      },
      scope.language
    );
  };

  /** `invite reseller`: the provider's form (its Global admins and Admin agents only). */
  const inviteForm = async (scope: TurnScope) => {
    const { partner } = await memberships.authorize(scope.actor, 'relationships.manage');
    if (partner.status !== 'approved' || partner.partnerType !== 'provider') {
      throw new NotAllowedError('relationships:errors.only_provider');
    }
    return renderRequest({ kind: 'invite', provider: partner }, scope.language);
  };

  /** A reseller's request form to an approved provider. */
  const requestForm = async (scope: TurnScope, providerRef: string, list?: ListContext) => {
    const { partner: reseller } = await memberships.authorize(scope.actor, 'relationships.manage');
    const provider = await partners.get(providerRef);
    if (!provider || provider.status !== 'approved' || provider.partnerType !== 'provider') {
      throw new NotFoundError('relationships:errors.no_provider');
    }
    return renderRequest(
      { kind: 'request', provider, reseller, ...(list ? { list } : {}) },
      scope.language
    );
  };

  /** The provider's card for an invitation just sent or resent: link, code, whether mailed. */
  const sentCard = (scope: TurnScope, sent: SentInvitation, extra: { backToList?: boolean } = {}) =>
    renderInvitation(
      {
        provider: sent.provider,
        email: sent.invitation.email,
        grant: sent.invitation.grant,
        link: sent.link,
        code: sent.code,
        expiresAt: sent.invitation.expiresAt,
        mailed: sent.mailed,
        ...extra,
      },
      scope.language
    );

  const send = (scope: TurnScope, card: AdaptiveCardJson) =>
    scope.turn.sendActivity({ attachments: [cardAttachment(card)] });

  return {
    commands: [
      {
        names: ['directory', 'каталог'],
        descriptionKey: 'relationships:commands.directory',
        visibleTo: (scope) =>
          scope.conversationType === 'personal' && approvedOf(scope.actor, 'reseller'),
        async run(scope, args) {
          personalOnly(scope);
          await send(scope, await directoryCard(scope, { text: args, everywhere: false, page: 0 }));
        },
      },
      {
        names: ['providers', 'поставщики'],
        descriptionKey: 'relationships:commands.providers',
        visibleTo: (scope) =>
          scope.conversationType === 'personal' && approvedOf(scope.actor, 'reseller'),
        async run(scope) {
          personalOnly(scope);
          await send(scope, await listCard(scope, 0, false));
        },
      },
      {
        names: ['resellers', 'посредники'],
        descriptionKey: 'relationships:commands.resellers',
        visibleTo: (scope) =>
          scope.conversationType === 'personal' && approvedOf(scope.actor, 'provider'),
        async run(scope) {
          personalOnly(scope);
          await send(scope, await listCard(scope, 0, false));
        },
      },
      {
        names: ['invite', 'пригласить'],
        descriptionKey: 'relationships:commands.inviteReseller',
        visibleTo: async (scope) =>
          scope.conversationType === 'personal' &&
          (await approvedOf(scope.actor, 'provider')) &&
          (await mayManage(scope.actor)),
        async run(scope) {
          personalOnly(scope);
          await send(scope, await inviteForm(scope));
        },
      },
    ],
    cardActions: [
      cardAction({
        verb: Verbs.directoryPage,
        schema: z
          .object({ text: z.string().max(100).optional(), everywhere: toggle, page: pageNumber })
          .passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const card = await directoryCard(scope, {
            text: data.text ?? '',
            everywhere: data.everywhere,
            page: data.page,
          });
          return { card };
        },
      }),
      cardAction({
        verb: Verbs.relationshipRequestForm,
        schema: z.object({ providerRef: ref, ...listContextFields }).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          // Asked already (a directory card older than the request): that one, not a form
          // whose request would be refused at the end.
          const open = await service.openWith(scope.actor, data.providerRef);
          if (open) {
            return {
              card: await cardOf(scope, open.id, undefined, listContextOf(data)),
              recordAs: await subjectFor(scope, open.id),
            };
          }
          return { card: await requestForm(scope, data.providerRef, listContextOf(data)) };
        },
      }),
      cardAction({
        verb: Verbs.relationshipRequest,
        schema: z
          .object({ providerRef: ref, consent: toggle, ...grantInput, ...listContextFields })
          .passthrough(),
        scope: 'personal',
        respond: 'all',
        async handle(scope, data) {
          const { consent, providerRef, roles, durationDays, autoExtend } = data;
          const created = await service.request(
            scope.actor,
            providerRef,
            { roles, durationDays, autoExtend },
            consent
          );
          return {
            card: await cardOf(scope, created.id, undefined, listContextOf(data)),
            recordAs: relationshipSubject(created.id, 'reseller'),
          };
        },
        // A refused request shows on the form, what was chosen kept.
        current: async (scope, data) =>
          typeof data.providerRef === 'string' && ref.safeParse(data.providerRef).success
            ? requestForm(scope, data.providerRef)
            : undefined,
      }),
      cardAction({
        verb: Verbs.relationshipInvite,
        schema: z
          .object({
            email: z.string().max(254).optional(),
            partnerId: z.string().max(20).optional(),
            ...grantInput,
          })
          .passthrough(),
        scope: 'personal',
        respond: 'all',
        async handle(scope, data) {
          const { roles, durationDays, autoExtend } = data;
          const sent = await invitations.invite(
            scope.actor,
            {
              email: data.email ?? '',
              ...(data.partnerId ? { partnerId: data.partnerId } : {}),
              grant: { roles, durationDays, autoExtend },
            },
            scope.language
          );
          // The same card whether or not the address or PartnerID belongs to an enrolled
          // reseller: the provider learns who it is only when the reseller accepts.
          return {
            card: sentCard(scope, sent),
            recordAs: resellerInvitationSentSubject(sent.invitation.id),
          };
        },
        // A refused invite shows on the form, what was typed kept.
        current: (scope) => inviteForm(scope),
      }),
      cardAction({
        verb: Verbs.resellerInvitationAccept,
        schema: z.object({ invitationRef: ref }).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const { relationship, created, invitation } = await invitations.acceptSent(
            scope.actor,
            data.invitationRef
          );
          const view = await service.view(scope.actor, relationship.id);
          const values = { provider: userText(view.provider.legalName) };
          if (created) {
            // The Authorize card comes through the outbox to every admin, this one too.
            const card = renderResellerInvitation(
              {
                invitationRef: data.invitationRef,
                provider: view.provider,
                reseller: view.reseller,
                grant: invitation.grant,
                expiresAt: invitation.expiresAt,
                accepted: true,
              },
              scope.language
            );
            return {
              card: withNotice(card, {
                text: t(scope.language, 'relationships:accept.cardComing', values),
              }),
            };
          }
          const canManage = await mayManage(scope.actor);
          return {
            card: withNotice(renderRelationship({ view, canManage }, scope.language), {
              text: t(scope.language, 'relationships:accept.opened', values),
            }),
            recordAs: relationshipSubject(relationship.id, 'reseller'),
          };
        },
      }),
      cardAction({
        verb: Verbs.relationshipView,
        schema: onRelationship,
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          return {
            card: await cardOf(scope, data.relationshipRef, undefined, listContextOf(data)),
            recordAs: await subjectFor(scope, data.relationshipRef),
          };
        },
      }),
      cardAction({
        verb: Verbs.relationshipHistory,
        schema: onRelationship,
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const view = await service.view(scope.actor, data.relationshipRef);
          const list = listContextOf(data);
          return { card: renderHistory({ view, ...(list ? { list } : {}) }, scope.language) };
        },
      }),
      move(Verbs.relationshipAuthorize, onRelationshipWith({ consent: toggle }), (scope, d) =>
        service.authorize(scope.actor, d.relationshipRef, d.consent)
      ),
      move(
        Verbs.relationshipDecline,
        onRelationshipWith({
          confirmed: z.string().max(8).optional(),
          // Longer than the domain keeps: parsed, then refused with its limit in the message.
          reason: z.string().max(5000).optional(),
        }),
        async (scope, d) => {
          if (d.confirmed === 'yes' || !(await service.decides(scope.actor, d.relationshipRef))) {
            return service.decline(scope.actor, d.relationshipRef, d.reason ?? '');
          }
          // First click: an optional reason for the side that asked, then Yes, decline.
          const view = await service.view(scope.actor, d.relationshipRef);
          return cardFor(scope, view, undefined, listContextOf(d), { confirmDecline: true });
        }
      ),
      move(Verbs.relationshipWithdraw, onRelationship, (scope, d) =>
        service.withdraw(scope.actor, d.relationshipRef)
      ),
      move(Verbs.relationshipResend, onRelationship, (scope, d) =>
        service.resend(scope.actor, d.relationshipRef)
      ),
      move(
        Verbs.relationshipEnd,
        onRelationshipWith({ confirmed: z.string().max(8).optional() }),
        async (scope, d) => {
          if (d.confirmed === 'yes') return service.end(scope.actor, d.relationshipRef);
          // First click: what ending means, and a second button to mean it.
          const view = await service.view(scope.actor, d.relationshipRef);
          if (view.relationship.state !== 'active') {
            return service.end(scope.actor, d.relationshipRef);
          }
          return cardFor(scope, view, undefined, listContextOf(d), { confirmEnd: true });
        }
      ),
      move(
        Verbs.relationshipExtend,
        onRelationshipWith({
          consent: toggle,
          durationDays: dayCount,
          roles: roleList,
          confirmed: z.string().max(8).optional(),
          endsAt: instant,
        }),
        async (scope, d) => {
          const input = { days: d.durationDays, ...(d.roles.length ? { roles: d.roles } : {}) };
          if (d.confirmed === 'yes') {
            return service.extend(scope.actor, d.relationshipRef, input, {
              consent: d.consent,
              ...(d.endsAt ? { endsAt: d.endsAt } : {}),
            });
          }
          // First click: the old and the new end, the roles, and who must consent.
          const { view, extension } = await service.planExtend(
            scope.actor,
            d.relationshipRef,
            input
          );
          return cardFor(scope, view, undefined, listContextOf(d), { confirmExtend: extension });
        }
      ),
      move(
        Verbs.relationshipAuthorizeChange,
        onRelationshipWith({ consent: toggle, change: instant }),
        (scope, d) => service.authorizeChange(scope.actor, d.relationshipRef, d.consent, d.change)
      ),
      move(Verbs.relationshipDeclineChange, onRelationshipWith({ change: instant }), (scope, d) =>
        service.declineChange(scope.actor, d.relationshipRef, d.change)
      ),
      move(Verbs.relationshipAutoExtend, onRelationship, (scope, d) =>
        service.autoExtendOn(scope.actor, d.relationshipRef)
      ),
      cardAction({
        verb: Verbs.relationshipsPage,
        schema: z
          .object({
            page: pageNumber,
            expiringSoon: toggle,
            filter: z.enum(LIST_FILTERS).optional(),
            text: z.string().max(100).optional(),
          })
          .passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const soon = data.expiringSoon || data.filter === 'expiringSoon';
          const search = {
            ...(data.filter && !soon ? { filter: data.filter } : {}),
            ...(data.text ? { text: data.text } : {}),
          };
          return { card: await listCard(scope, data.page, soon, search) };
        },
      }),
      cardAction({
        verb: Verbs.resellerInvitationRevoke,
        schema: z
          .object({ invitationRef: ref, confirmed: z.enum(['yes', '']).optional() })
          .passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          if (data.confirmed !== 'yes') {
            // First click: the row asks to confirm (as End does); only a manager gets there.
            await memberships.authorize(scope.actor, 'relationships.manage');
            return { card: await listCard(scope, 0, false, {}, data.invitationRef) };
          }
          const revoked = await invitations.revoke(scope.actor, data.invitationRef);
          return {
            card: withNotice(await listCard(scope, 0, false), {
              text: t(scope.language, 'relationships:waiting.revoked', {
                email: userText(revoked.email),
              }),
            }),
          };
        },
      }),
      cardAction({
        verb: Verbs.resellerInvitationResend,
        schema: z.object({ invitationRef: ref }).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const sent = await invitations.resend(scope.actor, data.invitationRef, scope.language);
          return {
            card: sentCard(scope, sent, { backToList: true }),
            recordAs: resellerInvitationSentSubject(sent.invitation.id),
          };
        },
      }),
      cardAction({
        verb: Verbs.relationshipsBulk,
        schema: z
          .object({
            kind: z.enum(['extend', 'autoExtendOn']),
            durationDays: dayCount,
            expiringSoon: toggle,
          })
          .passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const change =
            data.kind === 'extend'
              ? ({ kind: 'extend', durationDays: data.durationDays } as const)
              : ({ kind: 'autoExtendOn' } as const);
          const done = await service.bulk(scope.actor, change, { expiringSoon: data.expiringSoon });
          const card = await listCard(scope, 0, data.expiringSoon);
          return {
            card: withNotice(card, {
              text: t(scope.language, 'relationships:page.bulkDone', { ...done }),
            }),
          };
        },
        // A refused count shows under the days field of the list it was typed on, kept.
        current: (scope, data) =>
          listCard(scope, 0, data.expiringSoon === true || data.expiringSoon === 'true'),
      }),
    ],
    refreshers: [
      {
        subjectType: 'relationship',
        render: async (scope, subjectId) => {
          const parsed = parseRelationshipSubject(subjectId);
          return parsed ? cardOf(scope, parsed.id) : undefined;
        },
      },
    ],
  };
}
