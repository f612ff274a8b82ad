import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { dayText } from '../../cards/relationships/relationship-text.js';
import {
  actionData,
  cast,
  colleague,
  days,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * Issue 26.2: the provider extended its own access beyond what the reseller consented to (730
 * days, auto-extend on) and the reseller was only told. A later end, more roles or auto-extend
 * asked for by the provider now wait for the reseller's Global admins and Admin agents to
 * authorize them on a card; nothing changes until then, and Decline leaves it as it was. The
 * reseller's own extension applies at once.
 */

const A_YEAR = { roles: ['globalReader'], durationDays: 365, autoExtend: false };
const resellerAgent = colleague(cast.reseller, 3, 'Irina');

describe('security: the provider never widens its access without the reseller consenting (real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
    await w.app.post(w.app.teams.install(resellerAgent));
    await w.setRoles(cast.reseller, resellerAgent, ['adminAgent']);
  });
  afterEach(async () => {
    await w.stop();
  });

  /** The reseller consented to a year of Global Reader without auto-extend. */
  async function consentedToAYear(): Promise<{ id: string; end: Date }> {
    const asked = await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    const { relationship } = await w.service.authorize(cast.provider, asked.id);
    return { id: asked.id, end: relationship.expiresAt };
  }
  const stored = async () => (await w.collection('relationships').findOne({}))!;
  /** What the provider may do on the tenant, and until when. */
  const access = async () => {
    const doc = await stored();
    return { grant: doc.grant, expiresAt: doc.expiresAt };
  };
  const changeCards = (who: typeof cast.reseller) =>
    w.posted(who).filter((c) => JSON.stringify(c.body).includes('Authorize change'));

  it("the provider's longer end and more roles wait for the reseller's Authorize card, with consent", async () => {
    const { id, end } = await consentedToAYear();
    const consented = await access();
    const later = new Date(end.getTime() + days(365));

    const first = await w.click(cast.provider, Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '365',
      roles: 'globalReader,userAdministrator',
    });
    expect(first.seen).to.include(
      'Nothing changes until a Global admin or Admin agent of Contoso Reseller authorizes it'
    );
    const asked = await w.click(
      cast.provider,
      Verbs.relationshipExtend,
      actionData(first.body, 'Ask Contoso Reseller to authorize')
    );
    expect(asked.seen).to.include('Change waiting for the consent of Contoso Reseller');
    expect(await access(), 'nothing applies before the reseller consents').to.deep.equal(consented);

    // Both of the reseller's Global admins and Admin agents get the card; its sales agent not.
    const cardId = await w.received(cast.reseller, 'Authorize change');
    await w.received(resellerAgent, 'Authorize change');
    await w.drained();
    expect(changeCards(cast.resellerSales)).to.have.length(0);
    expect(changeCards(cast.reseller)).to.have.length(1);
    const card = w.posted(cast.reseller).find((c) => c.response?.id === cardId)!;
    const ask = actionData(card.body, 'Authorize change');

    // The provider cannot authorize its own change, and no consent toggle means no.
    const own = await w.click(cast.provider, Verbs.relationshipAuthorizeChange, {
      ...ask,
      consent: 'true',
    });
    expect(own.seen).to.include('Only the reseller authorizes or declines');
    const noConsent = await w.click(cast.reseller, Verbs.relationshipAuthorizeChange, {
      ...ask,
      consent: 'false',
    });
    expect(noConsent.seen).to.include('Switch on the consent toggle');
    expect(await access()).to.deep.equal(consented);

    const ok = await w.click(
      resellerAgent,
      Verbs.relationshipAuthorizeChange,
      { ...ask, consent: 'true' },
      cardId
    );
    expect(ok.seen).to.include('Change authorized by Irina');
    const after = await access();
    expect(after.expiresAt).to.deep.equal(later);
    expect(after.grant.roles).to.deep.equal(['globalReader', 'userAdministrator']);
    await w.received(
      cast.provider,
      `access ended on ${dayText('en', end)}, now it ends on ${dayText('en', later)}`
    );
  });

  it("the provider's auto-extend waits too, and the reseller's Decline leaves everything as it was", async () => {
    const { id } = await consentedToAYear();
    const consented = await access();
    const asked = await w.click(cast.provider, Verbs.relationshipAutoExtend, {
      relationshipRef: id,
    });
    expect(asked.seen).to.include('Change waiting for the consent of Contoso Reseller');
    expect(await access()).to.deep.equal(consented);
    const cardId = await w.received(cast.reseller, 'Authorize change');
    const card = w.posted(cast.reseller).find((c) => c.response?.id === cardId)!;
    const declined = await w.click(
      cast.reseller,
      Verbs.relationshipDeclineChange,
      actionData(card.body, 'Decline change'),
      cardId
    );
    expect(declined.seen).to.include('Change declined by Anna Petrova');
    expect(await access()).to.deep.equal(consented);
    expect((await stored()).pendingChange).to.equal(undefined);
    await w.received(cast.provider, 'declined the change Fabrikam Distribution asked for');
    // A late Authorize on the old card finds nothing to authorize: the one who declined it is
    // told it is done (another admin would read who declined it).
    const late = await w.click(cast.reseller, Verbs.relationshipAuthorizeChange, {
      ...actionData(card.body, 'Authorize change'),
      consent: 'true',
    });
    expect(late.seen).to.include('Done: you declined this change on');
    expect(await access()).to.deep.equal(consented);
  });

  it('bulk changes by the provider are requests too: each reseller is asked, nothing applies', async () => {
    await consentedToAYear();
    const consented = await access();
    const auto = await w.click(cast.provider, Verbs.relationshipsBulk, { kind: 'autoExtendOn' });
    expect(auto.seen).to.include('Asked the resellers to authorize 1');
    expect(await access()).to.deep.equal(consented);
    await w.received(cast.reseller, 'Authorize change');
    await w.received(resellerAgent, 'Authorize change');
  });

  it("the reseller's own extension and auto-extend apply at once; the provider is told from -> to", async () => {
    const { id, end } = await consentedToAYear();
    const later = new Date(end.getTime() + days(100));
    const first = await w.click(cast.reseller, Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '100',
    });
    expect(first.seen).to.include('It applies at once');
    await w.click(cast.reseller, Verbs.relationshipExtend, actionData(first.body, 'Yes, extend'));
    expect((await access()).expiresAt).to.deep.equal(later);
    await w.received(
      cast.provider,
      `access ended on ${dayText('en', end)}, now it ends on ${dayText('en', later)}`
    );
    const auto = await w.click(cast.reseller, Verbs.relationshipAutoExtend, {
      relationshipRef: id,
    });
    expect(auto.seen).to.include('Auto-extend turned on by Anna Petrova');
    expect((await access()).grant.autoExtend).to.equal(true);
    await w.drained();
    expect(changeCards(cast.reseller)).to.have.length(0);
  });

  it('says on the cards who must consent', async () => {
    const { id } = await consentedToAYear();
    const provider = await w.click(cast.provider, Verbs.relationshipView, { relationshipRef: id });
    expect(provider.seen).to.include(
      'take effect only when a Global admin or Admin agent of Contoso Reseller authorizes them'
    );
    const reseller = await w.click(cast.reseller, Verbs.relationshipView, { relationshipRef: id });
    expect(reseller.seen).to.include('Your own extension applies at once');
  });
});
