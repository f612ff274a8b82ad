import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import {
  cast,
  eventually,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * Resend mails the customer's admin a new link and code. Clicked ten times, one after another
 * or all at once, it mails once within the hour: the hour is claimed in the same conditional
 * update that replaces the secrets. The others are refused with when Resend works again, and
 * the card says the rule before anyone clicks.
 */
describe('security: a customer invitation is resent at most once an hour (real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  const ADMIN = 'it@northwind.example';
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => w?.stop());

  const mails = () => w.smtp.mails.filter((m) => m.to.includes(ADMIN)).length;
  /** Mails settled: the count read twice in a row after every answer is in. */
  const settledMails = async (expected: number) =>
    eventually(() => (mails() === expected ? true : undefined), `${expected} mails to ${ADMIN}`);

  async function invitation(): Promise<string> {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Northwind Traders',
      adminEmail: ADMIN,
    });
    expect(created.seen).to.include('at most once an hour');
    await settledMails(1);
    return String((await w.collection('invitations').findOne())!._id);
  }

  it('ten Resends one after another mail once; the others say when it works again', async () => {
    const invitationRef = await invitation();
    const card = await w.click(cast.reseller, Verbs.invitationView, { invitationRef });
    expect(card.seen).to.include('Resend').and.include('at most once an hour');
    const list = await w.say(cast.reseller, 'invitations');
    expect(list.seen).to.include('Resend').and.include('at most once an hour');

    const answers = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await w.click(cast.reseller, Verbs.invitationResend, { invitationRef }));
      w.advance(60_000);
    }
    expect(answers[0]!.seen).to.include('Invitation to Northwind Traders created');
    for (const a of answers.slice(1)) {
      expect(a.status).to.equal(200);
      expect(a.seen).to.include('Resend works at most once an hour').and.include('try again in');
    }
    // The second was a minute after the first: 59 minutes to wait.
    expect(answers[1]!.seen).to.include('try again in 59 minutes');
    await settledMails(2);
    const doc = await w.collection('invitations').findOne();
    expect(doc!.history.filter((e: { note?: string }) => e.note === 'resent')).to.have.length(1);

    // Russian, too.
    await w.app.post(w.app.teams.message(cast.reseller, 'language ru'));
    const ru = await w.click(cast.reseller, Verbs.invitationResend, { invitationRef });
    expect(ru.seen).to.include('не чаще раза в час').and.include('попробуйте через');

    // After the hour, once more.
    w.advance(60 * 60_000);
    const later = await w.click(cast.reseller, Verbs.invitationResend, { invitationRef });
    expect(later.seen).to.not.include('попробуйте через');
    await settledMails(3);
    expect(mails()).to.equal(3);
  });

  it('ten Resends at once mail once', async () => {
    const invitationRef = await invitation();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.click(cast.reseller, Verbs.invitationResend, { invitationRef })
      )
    );
    const sent = answers.filter((a) => a.seen.includes('Invitation to Northwind Traders created'));
    const refused = answers.filter((a) => a.seen.includes('Resend works at most once an hour'));
    expect(sent, answers.map((a) => a.seen).join('\n---\n')).to.have.length(1);
    expect(refused).to.have.length(9);
    await settledMails(2);
    const doc = await w.collection('invitations').findOne();
    expect(doc!.history.filter((e: { note?: string }) => e.note === 'resent')).to.have.length(1);
    expect(mails()).to.equal(2);
  });
});
