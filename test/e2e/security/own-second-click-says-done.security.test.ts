import { expect } from 'chai';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { Verbs } from '../../../cards/verbs.js';
import { personas, withLocale } from '../../helpers/personas.js';
import {
  cast,
  colleague,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import { secretsOf } from '../invitations/invitation-secrets.js';
import {
  chat,
  enrollUnderReview,
  secondOperator,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

/** The invoke answered with a card (the clicked card updated), and what that card reads. */
function cardSeen(res: { body: any; seen: string }): string {
  expect(res.body?.type, res.seen).to.equal('application/vnd.microsoft.card.adaptive');
  return res.seen;
}

describe('a second click by the person who decided says it is done (real server)', function () {
  this.timeout(60_000);

  describe('an operator on an application', () => {
    let env: SecurityEnv;
    beforeEach(async () => {
      env = await startSecurityApp();
    });
    afterEach(async () => env?.stop());

    it('tells the approver "Done: you approved" and another operator who approved it', async () => {
      const { partnerRef } = await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
      const op = chat(env, personas.operator);
      const first = await op.execute(Verbs.reviewApprove, { partnerRef });
      expect(cardSeen(first)).to.not.include('already');
      const at = (await env.collection('partners').findOne({}))!.decision.at as Date;

      const again = cardSeen(await op.execute(Verbs.reviewApprove, { partnerRef }));
      expect(again).to.include(`Done: you approved this application on ${dayText('en', at)}.`);
      expect(again).to.not.include('already approved');

      const ru = chat(env, withLocale(personas.operator, 'ru-RU'));
      const againRu = cardSeen(await ru.execute(Verbs.reviewReject, { partnerRef, reason: 'x' }));
      expect(againRu).to.include(`Готово: вы одобрили эту заявку ${dayText('ru', at)}.`);

      const other = cardSeen(
        await chat(env, secondOperator).execute(Verbs.reviewApprove, { partnerRef })
      );
      expect(other).to.include(`${personas.operator.name} already approved this application.`);
      expect(other).to.not.include('Done: you');
      const stored = await env.collection('partners').findOne({});
      expect(stored!.status).to.equal('approved');
      expect(stored!.decision.by.aadObjectId).to.equal(personas.operator.aadObjectId);
    });
  });

  describe('partners on a relationship and a customer on an invitation', () => {
    let w: RelationshipsWorld;
    beforeEach(async () => {
      w = await startRelationshipsWorld();
    });
    afterEach(async () => w?.stop());

    it('tells the provider admin who authorized "Done", and the other admin who did it', async () => {
      await w.click(cast.reseller, Verbs.relationshipRequest, {
        providerRef: w.provider.id,
        consent: 'true',
        ...GRANT,
      });
      const relationshipRef = String((await w.collection('relationships').findOne({}))!._id);
      const cardId = await w.received(cast.provider, 'Authorize');
      await w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef }, cardId);
      const day = dayText('en', w.now());

      const again = await w.click(
        cast.provider,
        Verbs.relationshipAuthorize,
        { relationshipRef },
        cardId
      );
      expect(cardSeen(again)).to.include(`Done: you authorized this relationship on ${day}.`);
      expect(again.seen).to.not.include('Already authorized');
      const ru = await w.click(withLocale(cast.provider, 'ru-RU'), Verbs.relationshipDecline, {
        relationshipRef,
      });
      expect(cardSeen(ru)).to.include(
        `Готово: вы подтвердили эти отношения ${dayText('ru', w.now())}.`
      );

      const other = await w.click(cast.providerAgent, Verbs.relationshipAuthorize, {
        relationshipRef,
      });
      expect(cardSeen(other)).to.include(`Already authorized by ${cast.provider.name} on ${day}.`);
      const stored = await w.collection('relationships').findOne({});
      expect(stored!.history.map((e: { to: string }) => e.to)).to.deep.equal(['pending', 'active']);
    });

    it('tells the customer admin who accepted "Done", and another admin who accepted it', async () => {
      const created = await w.click(cast.reseller, Verbs.invitationCreate, {
        relationshipRef: 'none',
        companyName: 'Northwind Traders',
      });
      const { code } = secretsOf(created.body);
      const secondAdmin = colleague(cast.customer, 3, 'Ivan');
      await w.app.post(w.app.teams.install(secondAdmin));
      await w.say(cast.customer, `accept ${code}`);
      await w.say(secondAdmin, `accept ${code}`);
      const invitationRef = String((await w.collection('invitations').findOne())!._id);
      const first = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
      expect(first.seen).to.include('You are its admin');
      const day = dayText('en', w.now());

      const again = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
      expect(cardSeen(again)).to.include(`Done: you accepted this invitation on ${day}.`);
      expect(again.seen).to.not.include('already accepted');
      const ru = await w.click(withLocale(cast.customer, 'ru-RU'), Verbs.invitationDecline, {
        invitationRef,
      });
      expect(cardSeen(ru)).to.include(
        `Готово: вы приняли это приглашение ${dayText('ru', w.now())}.`
      );

      const other = await w.click(secondAdmin, Verbs.invitationAccept, { invitationRef });
      expect(cardSeen(other)).to.include(`already accepted by ${cast.customer.name}`);
      expect(other.seen).to.not.include('Done: you');
      expect(await w.collection('customerLinks').countDocuments()).to.equal(1);
      const stored = await w.collection('invitations').findOne({});
      expect(stored!.state).to.equal('accepted');
    });
  });
});
