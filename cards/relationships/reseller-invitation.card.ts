import template from './reseller-invitation.card.json' with { type: 'json' };
import type { Partner } from '../../domain/partners/partner.js';
import type { AccessGrant } from '../../domain/relationships/relationship.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { dayText, rolesText } from './relationship-text.js';

export interface ResellerInvitationCardData {
  readonly invitationRef: string;
  readonly provider: Pick<Partner, 'legalName' | 'partnerId'>;
  readonly reseller: Pick<Partner, 'legalName'>;
  readonly grant: AccessGrant;
  readonly expiresAt: Date;
  /** Accepted on this card already: the Authorize card follows, no button any more. */
  readonly accepted?: boolean;
}

/**
 * A provider's invitation as an enrolled reseller's admins see it: who invites, what it asks
 * for, and Accept, which opens the pending relationship to authorize with consent. Ignoring
 * it is an answer too: the provider learns nothing until the reseller accepts.
 */
export function render(data: ResellerInvitationCardData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:resellerInvitation.${key}`, values);
  const provider = userText(data.provider.legalName);
  return renderCard(template, {
    invitationRef: data.invitationRef,
    title: tr('title', { provider }),
    intro: tr('intro', { provider, reseller: userText(data.reseller.legalName) }),
    facts: [
      { title: tr('partnerId'), value: userText(data.provider.partnerId) },
      { title: tr('roles'), value: rolesText(language, data.grant.roles) },
      {
        title: tr('duration'),
        value: t(language, 'relationships:card.days', { count: data.grant.durationDays }),
      },
      { title: tr('expires'), value: dayText(language, data.expiresAt) },
    ],
    how: data.accepted ? tr('acceptedHow') : tr('how'),
    buttons: data.accepted ? [] : [{ verb: Verbs.resellerInvitationAccept, title: tr('accept') }],
  });
}

export const samples: readonly ResellerInvitationCardData[] = [
  {
    invitationRef: '6561b0f0a1b2c3d4e5f60718',
    provider: { legalName: 'Fabrikam Distribution', partnerId: '7000001' },
    reseller: { legalName: 'Contoso Reseller' },
    grant: { roles: ['globalReader', 'userAdministrator'], durationDays: 365, autoExtend: false },
    expiresAt: new Date('2027-03-01T00:00:00Z'),
  },
  {
    invitationRef: '6561b0f0a1b2c3d4e5f60718',
    provider: { legalName: 'Fabrikam Distribution', partnerId: '7000001' },
    reseller: { legalName: 'Contoso Reseller' },
    grant: { roles: ['globalReader'], durationDays: 730, autoExtend: true },
    expiresAt: new Date('2027-03-01T00:00:00Z'),
    accepted: true,
  },
];
