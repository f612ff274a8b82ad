import { expect } from 'chai';
import { render as renderRelationship } from '../../cards/relationships/relationship.card.js';
import { samples as relationshipSamples } from '../../cards/relationships/relationship.card.js';
import { render as renderRequest } from '../../cards/relationships/request.card.js';
import { samples as requestSamples } from '../../cards/relationships/request.card.js';
import { render as renderStatus } from '../../cards/enrollment/status.card.js';
import { render as renderCustomerInvitation } from '../../cards/invitations/invitation.card.js';
import { samples as customerInvitationSamples } from '../../cards/invitations/invitation.card.js';
import { samples as reviewSamples } from '../../cards/enrollment/review.card.js';
import { OutboxInvitationNotifier } from '../../bot/features/invitations/invitation-notifier.js';
import { OutboxEnrollmentNotifier } from '../../bot/features/enrollment/enrollment-notifier.js';
import type { InvitationView } from '../../domain/invitations/invitation.service.js';
import type { Notifier, NotifyInput } from '../../domain/notifications/notification.js';
import type { Partner } from '../../domain/partners/partner.js';
import type { Relationship } from '../../domain/relationships/relationship.js';
import type { RelationshipView } from '../../domain/relationships/relationship.service.js';
import { LANGUAGES, t, type Language } from '../../i18n/i18n.js';
import { createLogger } from '../../logging/logger.js';
import { cardText } from './shown-text.js';

/** A notifier that keeps what it was asked to send, to render it in each language. */
function recordingNotifier(): Notifier & { sent: NotifyInput[] } {
  const sent: NotifyInput[] = [];
  return {
    sent,
    async notify(input) {
      sent.push(input);
    },
    async updateCards() {},
  };
}

const provider = { legalName: 'Fabrikam Distribution', partnerId: '7654321' };
const reseller = { legalName: 'Northwind Traders', partnerId: '1234567' };

/** A pending relationship as `side` sees it, sent by `initiatedBy`. */
function pendingView(
  initiatedBy: 'reseller' | 'provider',
  side: 'reseller' | 'provider'
): RelationshipView {
  const sample = relationshipSamples[0].view;
  const relationship: Relationship = { ...sample.relationship, state: 'pending', initiatedBy };
  return {
    relationship,
    side,
    provider: { ...sample.provider, ...provider },
    reseller: { ...sample.reseller, ...reseller },
    extendRoom: sample.extendRoom,
  };
}

describe('whose tenant, whose roles, who acts: the words each viewer reads', () => {
  describe('the provider inviting a reseller', () => {
    for (const language of LANGUAGES) {
      it(`is never told the roles are on "your tenant" (${language})`, () => {
        const invite = requestSamples.find((s) => s.kind === 'invite')!;
        const text = cardText(renderRequest(invite, language));
        if (language === 'en') {
          expect(text).not.to.match(/your tenant/i);
          expect(text).to.include("Delegated admin roles you ask for on the reseller's tenant");
          expect(text).to.include("full control of the reseller's tenant");
        } else {
          expect(text).not.to.match(/вашей организаци|вашем клиенте|вашим клиентом/);
          expect(text).to.include('в организации торгового посредника');
        }
      });
    }

    it('while the reseller asking a provider reads that the roles are on its own tenant', () => {
      const request = requestSamples.find((s) => s.kind === 'request')!;
      expect(cardText(renderRequest(request, 'en'))).to.include(
        'Delegated admin roles on your tenant'
      );
      expect(cardText(renderRequest(request, 'ru'))).to.include(
        'Роли делегированного администратора в вашей организации'
      );
    });
  });

  describe('a pending relationship card', () => {
    for (const language of LANGUAGES) {
      for (const initiatedBy of ['reseller', 'provider'] as const) {
        const decider = initiatedBy === 'reseller' ? 'provider' : 'reseller';
        it(`tells ${decider}, who decides a request of the ${initiatedBy}, that it is its turn, not "Waiting for <itself>" (${language})`, () => {
          const own = cardText(
            renderRelationship(
              { view: pendingView(initiatedBy, decider), canManage: true },
              language
            )
          );
          const deciderName = decider === 'provider' ? provider.legalName : reseller.legalName;
          const waitingForItself = t(language, `relationships:card.waiting_${decider}`, {
            provider: provider.legalName,
            reseller: reseller.legalName,
          });
          expect(waitingForItself).to.include(deciderName);
          expect(own).not.to.include(waitingForItself);
          expect(own).to.include(t(language, 'relationships:card.waiting_own'));

          const asker = cardText(
            renderRelationship(
              { view: pendingView(initiatedBy, initiatedBy), canManage: true },
              language
            )
          );
          expect(asker).to.include(waitingForItself);
        });
      }
    }

    it('says the provider offers to be the reseller\'s provider, not "work with it as its indirect provider"', () => {
      const text = cardText(
        renderRelationship({ view: pendingView('provider', 'reseller'), canManage: true }, 'en')
      );
      expect(text).to.include('Fabrikam Distribution offered to be the indirect provider of');
      expect(text).not.to.match(/as its indirect provider|as indirect reseller/);
      expect(
        t('en', 'relationships:notices.requested_provider', {
          provider: provider.legalName,
          reseller: reseller.legalName,
        })
      ).to.equal('Fabrikam Distribution offers to be the indirect provider of Northwind Traders.');
      expect(t('en', 'relationships:invitationPage.intro', provider)).to.include(
        'as your indirect provider'
      );
      expect(t('en', 'mail:resellerInvitation.text', provider)).to.include(
        'as your indirect provider'
      );
    });
  });

  describe("a customer's answer to the reseller's invitation", () => {
    for (const language of LANGUAGES) {
      it(`is "your invitation" to the reseller only; the provider reads whose it was (${language})`, async () => {
        const notifier = recordingNotifier();
        const view = {
          invitation: {
            id: 'inv-1',
            customer: { companyName: 'Contoso Ltd', providerRef: 'p' },
            decidedBy: { name: 'Carla Diaz' },
            history: [{ at: new Date('2026-12-02T09:00:00Z') }],
          },
          state: 'accepted',
          reseller: { id: 'r', ...reseller },
          provider: { id: 'p', ...provider },
        } as unknown as InvitationView;
        await new OutboxInvitationNotifier(notifier).changed(view);
        const titles = Object.fromEntries(
          notifier.sent.map((n) => [
            n.key.split(':').pop(),
            cardText((n.content(language) as { card: object }).card),
          ])
        );
        const yours = t(language, 'invitations:notices.title_accepted', { company: 'Contoso Ltd' });
        expect(titles.reseller).to.include(yours);
        expect(titles.provider).not.to.include(yours);
        expect(titles.provider).to.include(reseller.legalName);
        if (language === 'en') expect(titles.provider).not.to.include('your invitation');
        else expect(titles.provider).not.to.include('принимает');
      });
    }
  });

  describe("a customer invitation's card", () => {
    const pending = customerInvitationSamples.find((s) => s.state === 'pending')!;
    for (const language of LANGUAGES) {
      it(`speaks to the customer as "you" and about the customer to the partners (${language})`, () => {
        const customer = cardText(
          renderCustomerInvitation({ ...pending, viewer: 'customer' }, language)
        );
        const partner = cardText(
          renderCustomerInvitation({ ...pending, viewer: 'partner', canManage: true }, language)
        );
        const your = language === 'en' ? /\byour\b/i : /(?<!\p{L})ваш\p{L}*/u;
        const waitingForCustomer = t(language, 'invitations:card.status_pending', {
          date: '',
        }).trim();
        expect(customer).not.to.include(waitingForCustomer);
        expect(customer).to.match(your);
        expect(partner).not.to.match(your);
        expect(partner).to.include(pending.company);
      });
    }

    it('names the button as Partner Center does: «Авторизовать косвенного поставщика»', () => {
      const text = cardText(
        renderRelationship({ view: pendingView('provider', 'reseller'), canManage: true }, 'ru')
      );
      expect(text).to.include('Авторизовать косвенного поставщика');
      expect(t('ru', 'relationships:invitationPage.how')).to.include(
        '«Авторизовать косвенного поставщика»'
      );
    });
  });

  describe('the next step after approval', () => {
    const approved = reviewSamples.map((s) => s.partner).find((p) => p.status === 'approved');
    const partner = { ...(approved ?? reviewSamples[0].partner), status: 'approved' } as Partner;

    for (const language of LANGUAGES) {
      it(`says "users" only to a Global admin, who may run it (${language})`, () => {
        const users = language === 'en' ? 'type users' : '«пользователи»';
        const status = (roles: ('globalAdmin' | 'adminAgent' | 'salesAgent')[], type: string) =>
          cardText(
            renderStatus(
              {
                partner: { ...partner, partnerType: type } as Partner,
                draft: null,
                roles,
                isOperator: false,
                resendWaitSeconds: 0,
              },
              language
            )
          );
        expect(status(['globalAdmin'], 'reseller')).to.include(users);
        const agent = status(['adminAgent'], 'reseller');
        expect(agent).not.to.include(users);
        expect(agent).to.include(language === 'en' ? 'type directory' : '«каталог»');
        const sales = status(['salesAgent'], 'provider');
        expect(sales).not.to.include(users);
        expect(sales).to.include(language === 'en' ? 'type resellers' : '«посредники»');
      });
    }

    it("points an approved applicant to its partner type's first steps, not only to roles", async () => {
      const steps = async (partnerType: 'reseller' | 'provider', language: Language) => {
        const notifier = recordingNotifier();
        const mails: unknown[] = [];
        const applicant = {
          ...partner,
          partnerType,
          decision: { outcome: 'approved', at: new Date('2026-12-01T09:00:00Z') },
        } as Partner;
        await new OutboxEnrollmentNotifier(
          notifier,
          { send: async (m: unknown) => void mails.push(m) } as never,
          createLogger('silent')
        ).decided(applicant);
        const card = (notifier.sent[0].content(language) as { card: Record<string, any> }).card;
        return {
          text: cardText(card),
          commands: (card.actions as { data: { command: string } }[]).map((a) => a.data.command),
        };
      };
      const reseller = await steps('reseller', 'en');
      expect(reseller.commands).to.deep.equal(['directory', 'invite customer', 'users']);
      expect(reseller.text).to.include('directory').and.include('invite your customers');
      expect((await steps('provider', 'ru')).commands).to.deep.equal(['invite', 'users']);
      expect((await steps('provider', 'ru')).text).to.include(
        'пригласите косвенных торговых посредников'
      );
    });
  });
});
