import { expect } from 'chai';
import {
  NOTICE_GIVE_UP_MS,
  NOTICE_GRACE_MS,
} from '../../../domain/enrollment/enrollment-notices.js';
import { applicant, buildWorld, OPERATOR } from './enrollment-world.js';
import { storeFactories } from '../../models/enrollment/store-factories.js';

for (const [storeName, stores] of storeFactories()) {
  describe(`owed enrollment notices (${storeName})`, () => {
    let w: Awaited<ReturnType<typeof buildWorld>>;
    beforeEach(async () => {
      w = await buildWorld(stores);
    });
    afterEach(async () => w.close());

    const kinds = () => w.events.map((e) => `${e.kind}:${e.partner.status}`);

    async function enrolled() {
      const who = applicant();
      await w.enroll(who);
      return who;
    }

    it('sends the review cards later when the outbox failed right after verification', async () => {
      const who = await enrolled();
      w.failNotices(1);
      const partner = await w.enrollment.verify(who, w.lastCode());
      expect(partner.status).to.equal('underReview');
      expect(kinds()).to.deep.equal([]);
      // Within the grace period the sweep leaves it to the request that made the change.
      expect(await w.notices.sweep()).to.equal(0);
      w.advance(NOTICE_GRACE_MS + 1);
      expect(await w.notices.sweep()).to.equal(1);
      expect(kinds()).to.deep.equal(['review:underReview']);
      // Settled: later sweeps send nothing again.
      w.advance(NOTICE_GRACE_MS + 1);
      expect(await w.notices.sweep()).to.equal(0);
      expect(kinds()).to.deep.equal(['review:underReview']);
    });

    it('keeps a decision whose notices failed, and sends them on a later sweep', async () => {
      const who = await enrolled();
      const { id } = await w.enrollment.verify(who, w.lastCode());
      w.failNotices(1);
      const result = await w.review.approve(OPERATOR, id);
      // The operator's click stands: the decision is stored and reported as made.
      expect(result.decidedNow).to.equal(true);
      expect((await w.stores.partners.get(id))?.status).to.equal('approved');
      expect(kinds()).to.deep.equal(['review:underReview']);
      w.advance(NOTICE_GRACE_MS + 1);
      expect(await w.notices.sweep()).to.equal(1);
      expect(kinds()).to.deep.equal(['review:underReview', 'decided:approved']);
    });

    it('owes nothing after notices that went out at once', async () => {
      const who = await enrolled();
      const { id } = await w.enrollment.verify(who, w.lastCode());
      await w.review.reject(OPERATOR, id, 'Partner ID does not match the company');
      w.advance(NOTICE_GRACE_MS + 1);
      expect(await w.notices.sweep()).to.equal(0);
      expect(kinds()).to.deep.equal(['review:underReview', 'decided:rejected']);
      expect((await w.stores.partners.get(id))?.noticeOwedAt).to.equal(undefined);
    });

    it('retries a notice that keeps failing, then gives it up after a day', async () => {
      const who = await enrolled();
      const { id } = await w.enrollment.verify(who, w.lastCode());
      w.failNotices(1000);
      await w.review.approve(OPERATOR, id);
      w.advance(NOTICE_GRACE_MS + 1);
      expect(await w.notices.sweep()).to.equal(0);
      expect((await w.stores.partners.get(id))?.noticeOwedAt).to.be.instanceOf(Date);
      w.advance(NOTICE_GIVE_UP_MS);
      expect(await w.notices.sweep()).to.equal(0);
      expect((await w.stores.partners.get(id))?.noticeOwedAt).to.equal(undefined);
    });

    it('does not clear the notices of a newer change with those of an older one', async () => {
      const who = await enrolled();
      const { id } = await w.enrollment.verify(who, w.lastCode());
      const owedAtReview = new Date(0);
      w.failNotices(1);
      await w.review.approve(OPERATOR, id);
      await w.stores.partners.clearNoticeOwed(id, owedAtReview);
      expect((await w.stores.partners.get(id))?.noticeOwedAt).to.be.instanceOf(Date);
    });
  });
}
