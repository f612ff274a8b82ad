import { expect } from 'chai';
import { testLogger } from '../../logging/logger.js';
import { systemClock } from '../../notifications/clock.js';
import { FallbackMailer } from '../../notifications/fallback-mailer.js';
import type { MailMessage, MailService } from '../../notifications/mail.service.js';
import { startDeliveryHarness } from './helpers/delivery-harness.js';

describe('Fallback mail of dead letters a crash left unmailed', function () {
  this.timeout(20_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  const user = {
    tenantId: '11111111-1111-4111-8111-111111111111',
    aadObjectId: '00000000-0000-4000-8000-000000000001',
    email: 'ines@contoso.example',
  };

  /** A dead letter whose mail is still pending, `deadMinutesAgo` after the worker gave up. */
  async function orphanedDeadLetter(deadMinutesAgo: number, extra: Record<string, unknown> = {}) {
    await h.service.notify({
      key: `orphan:${deadMinutesAgo}`,
      to: { kind: 'user', user },
      content: () => ({ text: 'Your application was approved' }),
    });
    const deadAt = new Date(Date.now() - deadMinutesAgo * 60_000);
    await h.db.conn
      .collection('notifications')
      .updateOne(
        { key: `orphan:${deadMinutesAgo}` },
        { $set: { state: 'dead', mail: 'pending', deadAt, ...extra } }
      );
  }

  function mailers(count: number) {
    const sent: MailMessage[] = [];
    const mail: MailService = { send: async (m) => void sent.push(m) };
    const all = Array.from(
      { length: count },
      () => new FallbackMailer(h.db.outbox, h.directory, mail, systemClock, testLogger())
    );
    return { all, sent };
  }

  it('two processes sweeping at the same moment mail it once', async () => {
    h = await startDeliveryHarness();
    await h.addUser(user);
    await orphanedDeadLetter(10);
    const { all, sent } = mailers(2);
    await Promise.all(all.map((m) => m.sweep()));
    expect(sent.map((m) => m.to)).to.deep.equal([user.email]);
    const doc = await h.db.conn.collection('notifications').findOne({ key: 'orphan:10' });
    expect(doc?.mail).to.equal('sent');
    // Swept again later: it was mailed, nothing more goes out.
    await all[0].sweep();
    expect(sent).to.have.length(1);
  });

  it('leaves a fresh dead letter to the worker that is mailing it, and retries a claim a crash left', async () => {
    h = await startDeliveryHarness();
    await h.addUser(user);
    await orphanedDeadLetter(1); // the worker that dead-lettered it may still be mailing
    await orphanedDeadLetter(20, { mailClaimedAt: new Date(Date.now() - 6 * 60_000) });
    const { all, sent } = mailers(1);
    await all[0].sweep();
    expect(sent).to.have.length(1);
    const docs = await h.db.conn.collection('notifications').find().sort({ key: 1 }).toArray();
    expect(docs.map((d) => [d.key, d.mail])).to.deep.equal([
      ['orphan:1', 'pending'],
      ['orphan:20', 'sent'],
    ]);
  });
});
