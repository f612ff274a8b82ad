import { expect } from 'chai';
import mongoose from 'mongoose';
import { Verbs } from '../../cards/verbs.js';
import {
  cast,
  eventually,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';
import { secretsOf } from '../e2e/invitations/invitation-secrets.js';

/**
 * An invitation "with provider P" promises the customer that P may place orders for it. Once
 * the reseller no longer works with P that promise is false: Accept is refused with the reason
 * and links nothing, and ending (or expiry of) the relationship revokes every open invitation
 * naming P, the reseller told once which ones.
 */
describe('security: an invitation naming a provider the reseller no longer works with (real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => w?.stop());

  /** An active relationship, made through the real cards. */
  async function connect(): Promise<string> {
    await w.click(cast.reseller, Verbs.relationshipRequest, {
      providerRef: w.provider.id,
      consent: 'true',
      ...GRANT,
    });
    const open = await w.collection('relationships').findOne({ open: true });
    const id = String(open!._id);
    await w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: id });
    return id;
  }

  /** A customer invitation created on the card, with the provider or alone. */
  async function invite(companyName: string, relationshipRef: string) {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef,
      companyName,
    });
    const { code } = secretsOf(created.body);
    const doc = await w.collection('invitations').findOne({ 'customer.companyName': companyName });
    return { code, invitationRef: String(doc!._id) };
  }

  const end = (relationshipRef: string) =>
    w.click(cast.provider, Verbs.relationshipEnd, { relationshipRef, confirmed: 'yes' });

  const linked = () => w.collection('customerlinks').countDocuments();

  it('refuses Accept after the provider relationship was ended, with the reason, and links nothing', async () => {
    const relationshipRef = await connect();
    const { code, invitationRef } = await invite('Northwind Traders', relationshipRef);
    const opened = await w.say(cast.customer, `accept ${code}`);
    expect(opened.seen).to.include('may place orders for you');

    // Ended behind the invitation's back (as before this rule, or between open and Accept).
    await w
      .collection('relationships')
      .updateOne(
        { _id: new mongoose.Types.ObjectId(relationshipRef) },
        { $set: { state: 'ended' }, $unset: { open: '' } }
      );
    const refused = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
    expect(refused.status).to.equal(200);
    expect(refused.seen).to.include(
      'Contoso Reseller no longer works with Fabrikam Distribution, so it cannot be accepted'
    );
    expect(refused.seen).to.not.include('You are its admin');
    expect(await linked()).to.equal(0);
    expect(await w.collection('customers').countDocuments()).to.equal(0);
    expect((await w.collection('invitations').findOne())!.state).to.equal('pending');

    // In Russian as well.
    await w.app.post(w.app.teams.message(cast.customer, 'language ru'));
    const ru = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
    expect(ru.seen).to.include('больше не работает с Fabrikam Distribution');
    expect(await linked()).to.equal(0);
  });

  it('End revokes the open invitations naming the provider, tells the reseller once, and Accept then explains', async () => {
    const relationshipRef = await connect();
    const first = await invite('Northwind Traders', relationshipRef);
    await invite('Tailspin Toys', relationshipRef);
    const alone = await invite('Adventure Works', 'none');
    await w.say(cast.customer, `accept ${first.code}`);

    const ended = await end(relationshipRef);
    expect(ended.seen).to.include('Ended');

    const noticeId = await w.received(
      cast.reseller,
      'Invitations with Fabrikam Distribution revoked'
    );
    const notice = w.posted(cast.reseller).find((c) => String(c.response?.id) === noticeId)!;
    expect(JSON.stringify(notice.body))
      .to.include('Northwind Traders')
      .and.include('Tailspin Toys');
    expect(JSON.stringify(notice.body)).to.not.include('Adventure Works');
    const states = await w
      .collection('invitations')
      .find({}, { projection: { 'customer.companyName': 1, state: 1 } })
      .toArray();
    const stateOf = (company: string) =>
      states.find((s) => s.customer.companyName === company)?.state;
    expect(stateOf('Northwind Traders')).to.equal('revoked');
    expect(stateOf('Tailspin Toys')).to.equal('revoked');
    expect(stateOf('Adventure Works')).to.equal('pending');

    // The customer's opened card can no longer be accepted, and says why.
    const late = await w.click(cast.customer, Verbs.invitationAccept, {
      invitationRef: first.invitationRef,
    });
    expect(late.seen).to.include('no longer works with Fabrikam Distribution');
    expect(await linked()).to.equal(0);
    // The reseller's copy of the card says why it was revoked.
    const card = await w.click(cast.reseller, Verbs.invitationView, {
      invitationRef: first.invitationRef,
    });
    expect(card.seen).to.include('Contoso Reseller no longer works with Fabrikam Distribution');

    // Told once, each of the reseller's people: the relationship's owed notices running again
    // (after a crash, by the sweep) add nothing.
    const told = () =>
      w
        .collection('notifications')
        .find({ key: { $regex: `^relationship:${relationshipRef}:invitationsRevoked` } })
        .toArray();
    const once = await told();
    expect(once.map((n) => n.recipientKey).sort()).to.deep.equal(
      [cast.reseller, cast.resellerSales].map((p) => `${p.tenantId}:${p.aadObjectId}`).sort()
    );
    const relationship = await w.service.view(cast.reseller, relationshipRef);
    await w.app.app.modules.invitations.service.relationshipEnded(relationship.relationship);
    expect((await told()).length).to.equal(once.length);

    // The invitation without the provider still works.
    const alive = await w.say(cast.customer, `accept ${alone.code}`);
    expect(alive.seen).to.include('Decline');
  });

  it('expiry of the relationship revokes them too', async () => {
    const relationshipRef = await connect();
    await invite('Northwind Traders', relationshipRef);
    // Access ends tomorrow, long before the invitation's own date.
    await w
      .collection('relationships')
      .updateOne(
        { _id: new mongoose.Types.ObjectId(relationshipRef) },
        { $set: { expiresAt: new Date(w.now().getTime() + 24 * 60 * 60_000) } }
      );
    w.advanceDays(2);
    await w.service.sweep();
    expect((await w.collection('relationships').findOne())!.state).to.equal('expired');
    await eventually(
      async () =>
        (await w.collection('invitations').findOne({ state: 'revoked' })) ? true : undefined,
      'the invitation revoked'
    );
    await w.received(cast.reseller, 'Invitations with Fabrikam Distribution revoked');
  });
});
