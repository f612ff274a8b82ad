import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import {
  cast,
  eventually,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import { secretsOf } from './invitation-secrets.js';

const ADDRESS = 'it@northwind.example';

/**
 * The invitation mail is the outbox's, not the click's: the answer says "queued" at once, the
 * mail goes out after it (retried), the inviter's card is redrawn in place with the outcome,
 * and the outbox never keeps the link or the code in clear.
 */
describe('invitation mails leave the click (the real server, an SMTP sink)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  const invite = async () => {
    await w.say(cast.resellerSales, 'invite customer');
    const formId = await w.received(cast.resellerSales, 'Invite a customer');
    const created = await w.click(
      cast.resellerSales,
      Verbs.invitationCreate,
      { companyName: 'Northwind Traders', adminEmail: ADDRESS },
      formId
    );
    expect(created.status).to.equal(200);
    const inv = await w.collection('invitations').findOne({});
    return { ...created, formId, invitationRef: String(inv!._id) };
  };

  /** Every outbox document as stored, as one text. */
  const outboxText = async () =>
    JSON.stringify(await w.collection('notifications').find().toArray());
  const mailItems = () => w.collection('notifications').find({ kind: 'mail' }).toArray();

  it('answers "mail queued" while the SMTP server has not accepted, then the card says "mailed"', async () => {
    const release = w.smtp.hold();
    const created = await invite();
    expect(created.seen).to.include(`Mail to ${ADDRESS} queued`);
    const { token, code } = secretsOf(created.body);
    // The click answered; the mail reaches the server only now, and waits there.
    await eventually(() => w.smtp.waiting === 1, 'the mail held by the SMTP server');
    expect(w.smtp.mails).to.have.length(0);
    // Queued, the link and code are in the outbox only sealed.
    const [queued] = await mailItems();
    expect(queued?.sealed).to.be.a('string');
    const stored = await outboxText();
    expect(stored)
      .to.not.include(token)
      .and.not.include(code)
      .and.not.include(code.replace(/-/g, ''));

    release();
    const mail = await eventually(
      () => w.smtp.mails.find((m) => m.to.includes(ADDRESS)),
      'the mail'
    );
    expect(mail.data).to.include(code);
    const update = await w.updatedTo(cast.resellerSales, `Mailed to ${ADDRESS}`);
    // The card keeps the link and code (Done hides them), and replaces the one answered.
    expect(visible(update.body)).to.include(code);
    await w.drained();
    const [sent] = await mailItems();
    expect(sent?.state).to.equal('sent');
    expect(sent).to.not.have.property('sealed');
    const after = await outboxText();
    expect(after)
      .to.not.include(token)
      .and.not.include(code)
      .and.not.include(code.replace(/-/g, ''));
    expect(w.smtp.mails.filter((m) => m.to.includes(ADDRESS))).to.have.length(1);
  });

  it('says "mail failed" after the retries, with link and code still on the card, and erases the mail', async () => {
    w.smtp.refuse(451);
    const created = await invite();
    expect(created.seen).to.include(`Mail to ${ADDRESS} queued`);
    const { code } = secretsOf(created.body);
    const update = await w.updatedTo(
      cast.resellerSales,
      `The mail to ${ADDRESS} could not be sent`,
      15_000
    );
    // Tried as often as the worker retries (FAST_WORKER: 3 attempts), then given up.
    expect(w.smtp.refused).to.equal(3);
    const seen = visible(update.body);
    expect(seen).to.include(code).and.include('/invitations/');
    await w.drained();
    const [dead] = await mailItems();
    expect(dead?.state).to.equal('dead');
    expect(dead).to.not.have.property('sealed');
    expect(await outboxText()).to.not.include(code);
    expect(w.smtp.mails).to.have.length(0);
  });

  it('after Done, a late mail outcome does not bring the link and code back', async () => {
    const release = w.smtp.hold();
    const created = await invite();
    const { code } = secretsOf(created.body);
    await eventually(() => w.smtp.waiting === 1, 'the mail held by the SMTP server');
    // Done on the answered card (the message the form was): the link and code leave the chat.
    const done = await w.click(
      cast.resellerSales,
      Verbs.invitationDone,
      { invitationRef: created.invitationRef },
      created.formId
    );
    expect(done.seen).to.not.include(code);
    const updatesBefore = w.updated(cast.resellerSales).length;
    release();
    await eventually(() => w.smtp.mails.length === 1, 'the mail');
    await w.drained();
    const later = w
      .updated(cast.resellerSales)
      .slice(updatesBefore)
      .map((c) => visible(c.body));
    expect(later.join('\n')).to.not.include(code);
  });
});
