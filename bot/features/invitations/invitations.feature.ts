import { z } from 'zod';
import { render as renderCreated } from '../../../cards/invitations/invitation-created.card.js';
import { render as renderHistory } from '../../../cards/invitations/invitation-history.card.js';
import { render as renderList } from '../../../cards/invitations/invitation-list.card.js';
import { render as renderInvitation } from '../../../cards/invitations/invitation.card.js';
import {
  render as renderForm,
  RESELLER_ONLY,
} from '../../../cards/invitations/invite-form.card.js';
import { render as renderParties } from '../../../cards/invitations/party-list.card.js';
import { render as renderCustomerStatus } from '../../../cards/customers/customer-status.card.js';
import type { CustomerStandingQuery } from '../../../domain/customers/customer-standing.js';
import { render as renderNotice } from '../../../cards/shared/notice.card.js';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { cardAttachment, type AdaptiveCardJson } from '../../../cards/shared/render-card.js';
import { userText } from '../../../cards/shared/user-text.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import type { ListContext } from '../../../cards/shared/list-context.js';
import { Verbs } from '../../../cards/verbs.js';
import { NotAllowedError, NotFoundError } from '../../../domain/errors.js';
import type {
  CreatedInvitation,
  InvitationService,
  InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import {
  acceptance,
  INVITATION_LIST_FILTERS,
  type InvitationListFilter,
} from '../../../domain/invitations/invitation.js';
import { isSamePerson, type Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import { can } from '../../../domain/partners/roles.js';
import { formatList, t, type Language } from '../../../i18n/i18n.js';
import { cardAction, type Feature, type TurnScope } from '../../feature.js';
import { listContextFields, listContextOf } from '../../list-context.js';
import {
  cardData,
  invitationCreatedSubject,
  invitationSubject,
  parseInvitationSubject,
  type InvitationViewer,
} from './invitation-cards.js';
import { invitationLink } from './invitation-notifier.js';
import { teamsAppLink } from './invitation-page.route.js';

export interface InvitationsFeatureDeps {
  readonly service: InvitationService;
  readonly memberships: MembershipService;
  readonly publicBaseUrl: string;
  /** The Teams app's id (MicrosoftAppId): the mail draft links to the app; unset, it says so. */
  readonly appId?: string;
  /** Who is a customer, and its part of `status`. */
  readonly standing: CustomerStandingQuery;
  /** `accept` for the other kinds (a provider's reseller invitation): true when it handled it. */
  readonly otherInvitations?: (scope: TurnScope, text: string) => Promise<boolean>;
}

const ref = z.string().regex(/^[0-9a-f]{24}$/);
const onInvitation = z
  .object({ invitationRef: ref, page: z.union([z.number(), z.string().max(6)]).optional() })
  .passthrough();
const pageNumber = z
  .union([z.number(), z.string().max(6)])
  .optional()
  .transform((v) => Math.min(10_000, Math.max(0, Math.floor(Number(v ?? 0)) || 0)));

/** The `invitations` list's state filter and company-name search. */
type InvitationSearch = { filter?: InvitationListFilter; text?: string };

/**
 * Customer invitations: `invite customer`, `accept <code>` (the one entry point for every kind
 * of invitation code), `customers`, `partners`, `invitations`, and the card verbs Accept,
 * Decline, Revoke, Resend and Done, each copy of an invitation's card kept true in place.
 */
export function invitationsFeature(deps: InvitationsFeatureDeps): Feature {
  const { service, memberships } = deps;

  const personalOnly = (scope: TurnScope) => {
    if (scope.conversationType !== 'personal')
      throw new NotAllowedError('invitations:errors.personalOnly');
  };
  const rolesOf = (actor: Actor) => memberships.rolesOf(actor);
  const mayInvite = async (actor: Actor) => {
    const { partner, roles } = await rolesOf(actor);
    return (
      partner?.status === 'approved' &&
      partner.partnerType === 'reseller' &&
      can('customers.invite', roles)
    );
  };
  const mayManage = async (actor: Actor) => can('invitations.manage', (await rolesOf(actor)).roles);
  const isPartnerOf = async (actor: Actor, view: InvitationView) => {
    const { partner } = await rolesOf(actor);
    return !!partner && (partner.id === view.reseller.id || partner.id === view.provider?.id);
  };

  /** Which copy the actor sees: the inviting partners see Revoke / Resend, anyone else Accept. */
  const viewerOf = async (actor: Actor, view: InvitationView): Promise<InvitationViewer> =>
    (await isPartnerOf(actor, view)) ? 'partner' : 'customer';

  const cardOf = async (
    scope: TurnScope,
    view: InvitationView,
    note?: string,
    opts: { list?: ListContext; confirmRevoke?: boolean } = {}
  ) => {
    const viewer = await viewerOf(scope.actor, view);
    const card = renderInvitation(
      {
        ...cardData(view, viewer, viewer === 'partner' && (await mayManage(scope.actor))),
        ...opts,
      },
      scope.language
    );
    return { card: note ? withNotice(card, { text: note }) : card, viewer };
  };

  const createdCard = (created: CreatedInvitation, language: Language): AdaptiveCardJson => {
    const inv = created.view.invitation;
    return renderCreated(
      {
        invitationRef: inv.id,
        company: inv.customer?.companyName ?? '',
        reseller: created.view.reseller.legalName,
        ...(created.view.provider ? { provider: created.view.provider.legalName } : {}),
        ...(inv.customer?.note ? { note: inv.customer.note } : {}),
        ...(inv.customer?.adminEmail ? { adminEmail: inv.customer.adminEmail } : {}),
        link: invitationLink(deps.publicBaseUrl, created.secrets.token),
        code: created.secrets.code,
        expiresAt: inv.expiresAt,
        mailed: created.mailed,
        ...(deps.appId ? { appLink: teamsAppLink(deps.appId) } : {}),
      },
      language
    );
  };

  const listCard = async (scope: TurnScope, page: number, search: InvitationSearch = {}) => {
    const result = await service.page(scope.actor, page, search);
    return renderList(
      {
        rows: result.items.map((v) => ({
          invitationRef: v.invitation.id,
          company: v.invitation.customer?.companyName ?? '',
          ...(v.provider ? { provider: v.provider.legalName } : {}),
          state: v.state,
          createdAt: v.invitation.createdAt,
          expiresAt: v.invitation.expiresAt,
          ...acceptedFields(v),
        })),
        page: result.page,
        pageCount: result.pageCount,
        canManage: await mayManage(scope.actor),
        ...search,
      },
      scope.language
    );
  };

  /** `invite customer`: the reseller's form, with its active providers to invite with. */
  const inviteForm = async (scope: TurnScope) => {
    const providers = await service.providersFor(scope.actor);
    const { partner } = await rolesOf(scope.actor);
    return renderForm(
      {
        reseller: partner?.legalName ?? '',
        providers: providers.map((p) => ({
          relationshipRef: p.relationshipRef,
          name: p.provider.legalName,
        })),
      },
      scope.language
    );
  };
  const acceptedFields = (v: InvitationView) => {
    const yes = acceptance(v.invitation);
    return yes ? { acceptedBy: yes.by.name ?? '', acceptedAt: yes.at } : {};
  };
  /**
   * The list page (filter, search) a card was opened from, if it was: the shared list context
   * its buttons carry, or only `page` on cards made before the filter.
   */
  const listPageOf = (data: Record<string, unknown>): { list?: ListContext } => {
    const parsed = z.object(listContextFields).safeParse(data);
    const context = parsed.success ? listContextOf(parsed.data) : undefined;
    if (context?.list === 'invitations') return { list: context };
    const page = data.page;
    if (page === undefined || page === '') return {};
    return {
      list: { list: 'invitations', page: pageNumber.parse(page), filter: 'all', text: '' },
    };
  };
  /** The list's filter and search from a list context (a forged filter shows All). */
  const searchOf = (list: ListContext | undefined): InvitationSearch => {
    const filter = INVITATION_LIST_FILTERS.find((f) => f === list?.filter);
    return {
      ...(filter && filter !== 'all' ? { filter } : {}),
      ...(list?.text ? { text: list.text } : {}),
    };
  };

  const send = (scope: TurnScope, card: AdaptiveCardJson) =>
    scope.turn.sendActivity({ attachments: [cardAttachment(card)] });

  const current = async (scope: TurnScope, data: Record<string, unknown>) => {
    if (typeof data.invitationRef !== 'string' || !ref.safeParse(data.invitationRef).success) {
      return undefined;
    }
    try {
      return (await cardOf(scope, await service.get(scope.actor, data.invitationRef))).card;
    } catch {
      return undefined;
    }
  };

  /** Accept / Decline by the customer: the card changes for every copy through the notices. */
  const decide = (verb: string, run: 'accept' | 'decline') =>
    cardAction({
      verb,
      schema: onInvitation,
      scope: 'personal',
      respond: 'all',
      async handle(scope, data) {
        const { view, changedNow } = await service[run](scope.actor, data.invitationRef);
        const company = userText(view.invitation.customer?.companyName ?? '');
        const partners = formatList(
          scope.language,
          [view.reseller, view.provider].filter(Boolean).map((p) => userText(p!.legalName))
        );
        const note = !changedNow
          ? // The same person's second click: what they did, and when (another's is refused).
            t(scope.language, 'invitations:card.doneByYou', {
              context: view.state,
              date: dayText(scope.language, view.invitation.decidedAt ?? new Date()),
            })
          : run === 'accept'
            ? t(scope.language, 'invitations:card.acceptedNow', { company, partners })
            : t(scope.language, 'invitations:card.declinedNow', {
                reseller: userText(view.reseller.legalName),
              });
        return {
          card: (await cardOf(scope, view, note)).card,
          recordAs: invitationSubject(view.invitation.id, 'customer'),
        };
      },
      current,
    });

  /** A reseller's `customers` (each with its provider), or a provider's, grouped by reseller. */
  const customersCard = async (scope: TurnScope, at: number) => {
    const { side, rows, page, pageCount } = await service.customers(scope.actor, at);
    const tr = (key: string, values: Record<string, unknown> = {}) =>
      t(scope.language, `invitations:customers.${key}`, values);
    return renderParties(
      {
        titleKey: `invitations:customers.title_${side}`,
        rows: rows.flatMap((r, i) => {
          const since = dayText(scope.language, r.link.since);
          const reseller = userText(r.reseller?.legalName ?? '');
          const detail =
            side === 'provider'
              ? tr('viaReseller', { reseller, since })
              : r.provider
                ? tr('withProvider', { provider: userText(r.provider.legalName), since })
                : tr('resellerOnly', { since });
          // A provider's customers come grouped by reseller: a heading starts each group.
          const startsGroup = side === 'provider' && rows[i - 1]?.reseller?.id !== r.reseller?.id;
          // What a partner looks a customer up by: its tenant and who to talk to there.
          const who = tr('identity', {
            tenantId: userText(r.customer.tenantId),
            admins: formatList(
              scope.language,
              r.customer.admins.map((a) => userText(a.name ?? a.aadObjectId))
            ),
          });
          const { domain, adminEmail } = r.customer;
          const contact = [
            ...(domain ? [tr('domain', { domain: userText(domain) })] : []),
            ...(adminEmail ? [tr('contact', { email: userText(adminEmail) })] : []),
          ].join(' · ');
          return [
            ...(startsGroup ? [{ heading: tr('group', { reseller }), detail: '' }] : []),
            {
              heading: userText(r.customer.companyName),
              detail: [detail, who, ...(contact ? [contact] : [])].join('\n'),
            },
          ];
        }),
        paging: { page, pageCount },
      },
      scope.language
    );
  };

  /** A customer's `partners`: each reseller (and its provider) with End. */
  const partnersCard = async (scope: TurnScope, notice?: string) => {
    const { customer, rows } = await service.partnersOfCustomer(scope.actor);
    const tr = (key: string, values: Record<string, unknown> = {}) =>
      t(scope.language, `invitations:partners.${key}`, values);
    const card = renderParties(
      {
        titleKey: 'invitations:partners.title',
        titleValues: { company: userText(customer.companyName) },
        rows: rows.flatMap((r) => {
          const reseller = userText(r.reseller?.legalName ?? '');
          const since = dayText(scope.language, r.link.since);
          return [
            {
              heading: reseller,
              detail: tr('reseller', { reseller, since }),
              end: { linkRef: r.link.id, title: tr('end'), confirmed: false },
            },
            ...(r.provider
              ? [
                  {
                    heading: userText(r.provider.legalName),
                    detail: tr('provider', { provider: userText(r.provider.legalName), reseller }),
                  },
                ]
              : []),
          ];
        }),
      },
      scope.language
    );
    return notice ? withNotice(card, { text: notice }) : card;
  };

  return {
    standingOf: (actor) => deps.standing.standingOf(actor),
    // A customer's people: its partners, its invitations and what they may do (also a partner's).
    status: {
      visibleTo: async (scope) => (await scope.standing?.()) === 'customer',
      async render(scope) {
        const status = await deps.standing.statusOf(scope.actor);
        return status ? { card: renderCustomerStatus(status, scope.language) } : undefined;
      },
    },
    welcomeSteps: [{ command: 'partners', titleKey: 'customers:steps.partners' }],
    commands: [
      {
        names: ['invite customer', 'пригласить клиента'],
        descriptionKey: 'invitations:commands.inviteCustomer',
        visibleTo: (scope) => scope.conversationType === 'personal' && mayInvite(scope.actor),
        async run(scope) {
          personalOnly(scope);
          await send(scope, await inviteForm(scope));
        },
      },
      {
        names: ['accept', 'принять'],
        descriptionKey: 'invitations:commands.accept',
        visibleTo: (scope) => scope.conversationType === 'personal',
        async run(scope, args) {
          personalOnly(scope);
          // One entry point for every kind: the code's first letter (or the token) says which.
          // A provider's reseller invitation (R-, or a /relationships/ link) is relationships'.
          if (deps.otherInvitations && (await deps.otherInvitations(scope, args))) return;
          const view = await service.open(scope.actor, args);
          if (view.invitation.kind !== 'customer') {
            throw new NotFoundError('invitations:errors.notFound');
          }
          const { card, viewer } = await cardOf(scope, view);
          await scope.sendCard(card, invitationSubject(view.invitation.id, viewer));
        },
      },
      {
        names: ['customers', 'клиенты'],
        descriptionKey: 'invitations:commands.customers',
        visibleTo: async (scope) => {
          const { partner, roles } = await rolesOf(scope.actor);
          return (
            scope.conversationType === 'personal' &&
            partner?.status === 'approved' &&
            can('customers.view', roles)
          );
        },
        async run(scope) {
          personalOnly(scope);
          await send(scope, await customersCard(scope, 0));
        },
      },
      {
        names: ['partners', 'партнеры'],
        descriptionKey: 'invitations:commands.partners',
        // Listed for a customer's admins only; anyone else who types it is told why not.
        visibleTo: async (scope) =>
          scope.conversationType === 'personal' &&
          (await service.partnersOfCustomer(scope.actor).then(
            () => true,
            () => false
          )),
        async run(scope) {
          personalOnly(scope);
          await send(scope, await partnersCard(scope));
        },
      },
      {
        names: ['invitations', 'приглашения'],
        descriptionKey: 'invitations:commands.invitations',
        visibleTo: async (scope) =>
          scope.conversationType === 'personal' && (await mayInvite(scope.actor)),
        async run(scope) {
          personalOnly(scope);
          await send(scope, await listCard(scope, 0));
        },
      },
    ],
    cardActions: [
      cardAction({
        verb: Verbs.invitationView,
        schema: onInvitation,
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const view = await service.get(scope.actor, data.invitationRef);
          return { card: (await cardOf(scope, view, undefined, listPageOf(data))).card };
        },
      }),
      cardAction({
        verb: Verbs.invitationHistory,
        schema: onInvitation,
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const view = await service.get(scope.actor, data.invitationRef);
          // The audit trail is the partners' (the customer sees the card's own status line).
          if ((await viewerOf(scope.actor, view)) !== 'partner') {
            throw new NotFoundError('invitations:errors.notFound');
          }
          return {
            card: renderHistory(
              {
                invitationRef: view.invitation.id,
                company: view.invitation.customer?.companyName ?? '',
                history: view.invitation.history,
                ...listPageOf(data),
              },
              scope.language
            ),
          };
        },
      }),
      cardAction({
        verb: Verbs.customersPage,
        schema: z.object({ page: pageNumber }).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          return { card: await customersCard(scope, data.page) };
        },
      }),
      cardAction({
        verb: Verbs.customerPartners,
        schema: z.object({}).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope) {
          return { card: await partnersCard(scope) };
        },
      }),
      cardAction({
        verb: Verbs.customerEndPartner,
        schema: z.object({ linkRef: ref, confirmed: z.enum(['yes', '']).optional() }).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const tr = (key: string, values: Record<string, unknown> = {}) =>
            t(scope.language, `invitations:partners.${key}`, values);
          if (data.confirmed !== 'yes') {
            // Ending takes a second, deliberate click on a card that says what it does.
            const link = await service.linkOf(scope.actor, data.linkRef);
            const reseller = userText(link.reseller.legalName);
            return {
              card: renderParties(
                {
                  titleKey: 'invitations:partners.confirmTitle',
                  rows: [
                    {
                      heading: reseller,
                      detail: tr('confirmDetail', {
                        reseller,
                        company: userText(link.customer.companyName),
                        withProvider: link.provider
                          ? tr('withProvider', { provider: userText(link.provider.legalName) })
                          : '',
                      }),
                      end: { linkRef: link.link.id, title: tr('confirmButton'), confirmed: true },
                    },
                  ],
                  backToPartners: true,
                },
                scope.language
              ),
            };
          }
          const ended = await service.endLink(scope.actor, data.linkRef);
          const notice = ended.changedNow
            ? tr('ended', { reseller: userText(ended.reseller.legalName) })
            : isSamePerson(ended.link.endedBy, scope.actor)
              ? tr('endedByYou', {
                  date: dayText(scope.language, ended.link.endedAt ?? new Date()),
                })
              : tr('alreadyEnded', {
                  name: userText(ended.link.endedBy?.name ?? ''),
                  date: dayText(scope.language, ended.link.endedAt ?? new Date()),
                });
          return { card: await partnersCard(scope, notice) };
        },
      }),
      cardAction({
        verb: Verbs.relationshipCustomers,
        schema: z.object({ relationshipRef: ref }).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const { provider, reseller, rows } = await service.sharedCustomers(
            scope.actor,
            data.relationshipRef
          );
          return {
            card: renderParties(
              {
                titleKey: 'invitations:customers.title_shared',
                titleValues: {
                  provider: userText(provider.legalName),
                  reseller: userText(reseller.legalName),
                },
                rows: rows.map((r) => ({
                  heading: userText(r.customer.companyName),
                  detail: t(scope.language, 'invitations:customers.since', {
                    since: dayText(scope.language, r.link.since),
                  }),
                })),
                backToRelationship: data.relationshipRef,
              },
              scope.language
            ),
          };
        },
      }),
      cardAction({
        verb: Verbs.invitationCreate,
        schema: z
          .object({
            relationshipRef: z.union([ref, z.literal(RESELLER_ONLY), z.literal('')]).optional(),
            companyName: z.string().max(200).optional(),
            adminEmail: z.string().max(300).optional(),
            note: z.string().max(2000).optional(),
          })
          .passthrough(),
        scope: 'personal',
        respond: 'all',
        async handle(scope, data) {
          const created = await service.inviteCustomer(scope.actor, {
            companyName: data.companyName ?? '',
            ...(data.adminEmail ? { adminEmail: data.adminEmail } : {}),
            ...(data.note ? { note: data.note } : {}),
            ...(data.relationshipRef && data.relationshipRef !== RESELLER_ONLY
              ? { relationshipRef: data.relationshipRef }
              : {}),
          });
          return {
            card: createdCard(created, scope.language),
            recordAs: invitationCreatedSubject(created.view.invitation.id),
          };
        },
        // A refused invite shows on the form, what was typed kept.
        current: (scope) => inviteForm(scope),
      }),
      cardAction({
        verb: Verbs.invitationDone,
        schema: onInvitation,
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          // The link and code leave the chat; the card goes on showing the invitation's state.
          const view = await service.get(scope.actor, data.invitationRef);
          const note = t(scope.language, 'invitations:created.closed', {
            company: userText(view.invitation.customer?.companyName ?? ''),
          });
          return {
            card: (await cardOf(scope, view, note)).card,
            recordAs: invitationSubject(view.invitation.id, 'partner'),
          };
        },
      }),
      decide(Verbs.invitationAccept, 'accept'),
      decide(Verbs.invitationDecline, 'decline'),
      cardAction({
        verb: Verbs.invitationRevoke,
        schema: onInvitation.extend({ confirmed: z.enum(['yes', '']).optional() }),
        scope: 'personal',
        respond: 'all',
        async handle(scope, data) {
          if (data.confirmed !== 'yes') {
            // First click: what revoking does, and a second button to mean it (as End).
            await memberships.authorize(scope.actor, 'invitations.manage');
            const view = await service.get(scope.actor, data.invitationRef);
            if (view.state === 'pending' && (await viewerOf(scope.actor, view)) === 'partner') {
              const opts = { ...listPageOf(data), confirmRevoke: true };
              return { card: (await cardOf(scope, view, undefined, opts)).card };
            }
          }
          const { view } = await service.revoke(scope.actor, data.invitationRef);
          const note = t(scope.language, 'invitations:card.revokedNow');
          if (data.page !== undefined) {
            const { list } = listPageOf(data);
            const card = await listCard(scope, pageNumber.parse(data.page), searchOf(list));
            return { card: withNotice(card, { text: note }) };
          }
          return {
            card: (await cardOf(scope, view, note)).card,
            recordAs: invitationSubject(view.invitation.id, 'partner'),
          };
        },
        current,
      }),
      cardAction({
        verb: Verbs.invitationResend,
        schema: onInvitation,
        scope: 'personal',
        respond: 'all',
        async handle(scope, data) {
          const created = await service.resend(scope.actor, data.invitationRef);
          return {
            card: createdCard(created, scope.language),
            recordAs: invitationCreatedSubject(created.view.invitation.id),
          };
        },
        current,
      }),
      cardAction({
        verb: Verbs.invitationsCleanUp,
        schema: z.object({}).passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope) {
          const count = await service.cleanUpExpired(scope.actor);
          const card = await listCard(scope, 0);
          return {
            card: withNotice(card, {
              text: t(scope.language, 'invitations:list.cleanedUp', { count }),
            }),
          };
        },
      }),
      cardAction({
        verb: Verbs.invitationsPage,
        schema: z
          .object({
            page: pageNumber,
            filter: z.enum(INVITATION_LIST_FILTERS).optional(),
            text: z.string().max(100).optional(),
          })
          .passthrough(),
        scope: 'personal',
        respond: 'interactor',
        async handle(scope, data) {
          const search: InvitationSearch = {
            ...(data.filter && data.filter !== 'all' ? { filter: data.filter } : {}),
            ...(data.text?.trim() ? { text: data.text.trim() } : {}),
          };
          return { card: await listCard(scope, data.page, search) };
        },
      }),
    ],
    async unfurl(scope, url) {
      const prefix = `${deps.publicBaseUrl}/invitations/`;
      if (!url.startsWith(prefix)) return undefined;
      const token = url.slice(prefix.length).split(/[?#/]/)[0] ?? '';
      const preview = await service.linkPreview(scope.actor, token);
      if (!preview || preview.view.invitation.kind !== 'customer') return undefined;
      const { view } = preview;
      if (!preview.outcomeShown) {
        // A dead link outside its parties: that it is dead, as its page says, nothing more.
        return {
          card: renderNotice(
            {
              title: { key: 'invitations:page.goneTitle' },
              message: { key: 'invitations:errors.noLongerValid' },
              steps: [],
            },
            scope.language
          ),
          title: t(scope.language, 'invitations:page.goneTitle'),
        };
      }
      // Shared in a chat: the facts and Open (the page), never Accept or Revoke buttons.
      const card = renderInvitation(cardData(view, 'partner', false), scope.language);
      const actions = Array.isArray(card.actions) ? card.actions : [];
      return {
        card: {
          ...card,
          actions: [
            ...actions,
            { type: 'Action.OpenUrl', title: t(scope.language, 'invitations:card.open'), url },
          ],
        },
        title: t(scope.language, 'invitations:card.title', {
          company: userText(view.invitation.customer?.companyName ?? ''),
        }),
      };
    },
    refreshers: [
      {
        subjectType: 'invitation',
        render: async (scope, subjectId) => {
          const parsed = parseInvitationSubject(subjectId);
          if (!parsed) return undefined;
          return (await cardOf(scope, await service.get(scope.actor, parsed.id))).card;
        },
      },
    ],
  };
}
