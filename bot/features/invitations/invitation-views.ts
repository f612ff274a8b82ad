import { z } from 'zod';
import { render as renderCreated } from '../../../cards/invitations/invitation-created.card.js';
import { render as renderList } from '../../../cards/invitations/invitation-list.card.js';
import { render as renderInvitation } from '../../../cards/invitations/invitation.card.js';
import { render as renderForm } from '../../../cards/invitations/invite-form.card.js';
import { render as renderParties } from '../../../cards/invitations/party-list.card.js';
import type { CustomerStandingQuery } from '../../../domain/customers/customer-standing.js';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { cardAttachment, type AdaptiveCardJson } from '../../../cards/shared/render-card.js';
import { userText } from '../../../cards/shared/user-text.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import type { ListContext } from '../../../cards/shared/list-context.js';
import type {
  CreatedInvitation,
  InvitationService,
  InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import {
  acceptance,
  customerInviteRefusal,
  INVITATION_LIST_FILTERS,
  isPartyOf,
  type InvitationListFilter,
} from '../../../domain/invitations/invitation.js';
import type { Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import { can } from '../../../domain/partners/roles.js';
import { formatList, t, type Language } from '../../../i18n/i18n.js';
import type { TurnScope } from '../../feature.js';
import { listContextFields, listContextOf } from '../../list-context-input.js';
import { cardData, type InvitationViewer } from './invitation-cards.js';
import { invitationLink } from './invitation-notifier.js';
import { teamsAppLink } from './customer-invitation-page.route.js';
import { ref, pageNumber } from './invitation-inputs.js';

/** The services the invitations feature is built from. */
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

/** The `invitations` list's state filter and company-name search. */
export type InvitationSearch = { filter?: InvitationListFilter; text?: string };

/**
 * The invitation cards as one viewer sees them, and who may do what on them: shared by the
 * feature's commands, verbs and refresher, built once from its services.
 */
export function invitationViews(deps: InvitationsFeatureDeps) {
  const { service, memberships } = deps;

  const rolesOf = (actor: Actor) => memberships.rolesOf(actor);
  const mayInvite = async (actor: Actor) => {
    const { partner, roles } = await rolesOf(actor);
    return !!partner && !customerInviteRefusal(partner) && can('customers.invite', roles);
  };
  const mayManage = async (actor: Actor) => can('invitations.manage', (await rolesOf(actor)).roles);
  const isPartnerOf = async (actor: Actor, view: InvitationView) => {
    const { partner } = await rolesOf(actor);
    return isPartyOf(view.invitation, partner?.id);
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
    rolesOf,
    mayInvite,
    mayManage,
    viewerOf,
    cardOf,
    createdCard,
    listCard,
    inviteForm,
    listPageOf,
    searchOf,
    send,
    current,
    customersCard,
    partnersCard,
  };
}

/** What invitationViews builds. */
export type InvitationViews = ReturnType<typeof invitationViews>;
