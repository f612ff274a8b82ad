import template from './request.card.json' with { type: 'json' };
import {
  PARTNER_ID_MESSAGE,
  PARTNER_ID_PATTERN,
  type Partner,
} from '../../domain/partners/partner.js';
import {
  DEFAULT_DURATION_DAYS,
  MAX_DURATION_DAYS,
  MIN_DURATION_DAYS,
} from '../../domain/relationships/access-grant.js';
import { RESELLER_EMAIL_PATTERN } from '../../domain/relationships/reseller-invitation.service.js';
import type { AdminRole } from '../../domain/relationships/relationship.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { backToList, listFields, type ListContext } from '../shared/list-context.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { roleChoices } from './relationship-text.js';

/** Least privilege by default: a provider starts as Global Reader until the reseller adds more. */
const DEFAULT_ROLES: readonly AdminRole[] = ['globalReader'];

/**
 * What a relationship will grant, chosen before it is sent: a reseller asking a provider (with
 * its consent) or a provider inviting a reseller (whose consent comes on the reseller's card).
 */
export type RequestCardData =
  | {
      readonly kind: 'request';
      readonly provider: Partner;
      readonly reseller: Partner;
      /** Opened from the directory: Back to list, and the sent request's card keeps it. */
      readonly list?: ListContext;
    }
  | { readonly kind: 'invite'; readonly provider: Partner };

export function render(data: RequestCardData, language: Language): AdaptiveCardJson {
  const provider = userText(data.provider.legalName);
  const request = data.kind === 'request';
  const list = data.kind === 'request' ? data.list : undefined;
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:${key}`, { provider, ...values });
  return renderCard(template, {
    title: request ? tr('request.title') : tr('invite.title'),
    intro: request ? tr('request.intro') : tr('invite.intro'),
    ordering: request ? tr('request.ordering') : '',
    // Shown with `ordering` only: the reseller's own request.
    adminRoles: request ? tr('request.adminRoles') : '',
    askReseller: !request,
    emailLabel: tr('invite.emailLabel'),
    emailError: tr('invite.emailError'),
    emailPattern: RESELLER_EMAIL_PATTERN,
    partnerIdLabel: tr('invite.partnerIdLabel'),
    // The one PartnerID rule and message (enrollment's): Teams checks it before sending.
    partnerIdPattern: PARTNER_ID_PATTERN,
    partnerIdError: t(language, PARTNER_ID_MESSAGE),
    rolesError: tr('grant.roles'),
    // The roles are on the reseller's tenant: "your tenant" to the reseller, not to the provider.
    rolesLabel: request ? tr('request.rolesLabel') : tr('invite.rolesLabel'),
    rolesValue: DEFAULT_ROLES.join(','),
    roleChoices: roleChoices(language),
    risky: request ? tr('request.risky') : tr('invite.risky'),
    durationLabel: tr('request.durationLabel'),
    durationDays: DEFAULT_DURATION_DAYS,
    durationMin: MIN_DURATION_DAYS,
    durationMax: MAX_DURATION_DAYS,
    durationError: tr('grant.durationDays', { min: MIN_DURATION_DAYS, max: MAX_DURATION_DAYS }),
    autoExtendLabel: tr('request.autoExtend'),
    consentLabel: request
      ? tr('request.consent', { reseller: userText(data.reseller.legalName) })
      : '',
    sendVerb: request ? Verbs.relationshipRequest : Verbs.relationshipInvite,
    sendTitle: request ? tr('request.send') : tr('invite.send'),
    sendData: { providerRef: data.provider.id, ...listFields(list) },
    backToList: list ? [{ ...backToList(list), title: tr('card.backToList') }] : [],
  });
}

const partner = (over: Partial<Partner>): Partner =>
  ({
    id: '6740a1b2c3d4e5f601234567',
    status: 'approved',
    partnerType: 'provider',
    tenantCountry: 'DE',
    partnerId: '7654321',
    legalName: 'Fabrikam Distribution',
    ...over,
  }) as Partner;

export const samples: readonly RequestCardData[] = [
  {
    kind: 'request',
    provider: partner({}),
    reseller: partner({ partnerType: 'reseller', legalName: 'Contoso GmbH' }),
  },
  { kind: 'invite', provider: partner({}) },
];
