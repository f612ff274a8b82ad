import { render as renderDirectory } from '../../../cards/relationships/directory.card.js';
import {
  render as renderRelationship,
  type RelationshipCardData,
} from '../../../cards/relationships/relationship.card.js';
import { render as renderList } from '../../../cards/relationships/relationships.card.js';
import { render as renderRequest } from '../../../cards/relationships/request.card.js';
import { render as renderInvitation } from '../../../cards/relationships/sent-invitation.card.js';
import { byText, dayText } from '../../../cards/relationships/relationship-text.js';
import { cardAttachment, type AdaptiveCardJson } from '../../../cards/shared/render-card.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import { NotAllowedError, NotFoundError } from '../../../domain/errors.js';
import { isSamePerson, type Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import type { PartnerRepository } from '../../../domain/partners/partner-repository.port.js';
import { can } from '../../../domain/partners/roles.js';
import type { Relationship } from '../../../domain/relationships/relationship.js';
import type {
  ListFilter,
  RelationshipResult,
  RelationshipService,
  RelationshipView,
} from '../../../domain/relationships/relationship.service.js';
import type {
  ResellerInvitationService,
  SentInvitation,
} from '../../../domain/relationships/reseller-invitation.service.js';
import { hasKey, t, type Language } from '../../../i18n/i18n.js';
import type { ListContext } from '../../../cards/shared/list-context.js';
import type { TurnScope } from '../../feature.js';
import { relationshipSubject } from './relationship-subjects.js';

/** The services the relationships feature is built from. */
export interface RelationshipsFeatureDeps {
  readonly service: RelationshipService;
  readonly invitations: ResellerInvitationService;
  readonly memberships: MembershipService;
  readonly partners: PartnerRepository;
}

/** Notes a late click is told about ("Already extended by..."), rather than the state. */
const ALREADY_NOTES = new Set<string>([
  'extended',
  'changeRequested',
  'changeAuthorized',
  'changeDeclined',
]);

/**
 * The relationship cards as one viewer sees them, and who may do what on them: shared by the
 * feature's commands and verbs, built once from its services.
 */
export function relationshipViews(deps: RelationshipsFeatureDeps) {
  const { service, invitations, memberships, partners } = deps;

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
    approvedOf,
    mayManage,
    cardOf,
    cardFor,
    subjectFor,
    shown,
    listCard,
    directoryCard,
    inviteForm,
    requestForm,
    sentCard,
    send,
  };
}

/** What relationshipViews builds. */
export type RelationshipViews = ReturnType<typeof relationshipViews>;
