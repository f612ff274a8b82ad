import { expect } from 'chai';
import { DomainError } from '../../../domain/errors.js';
import { applicant, buildWorld, OPERATOR, OPERATOR_2 } from './enrollment-world.js';
import { storeFactories } from '../../models/enrollment/store-factories.js';

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

for (const [storeName, stores] of storeFactories()) {
  describe(`operator review (${storeName})`, () => {
    let w: Awaited<ReturnType<typeof buildWorld>>;
    beforeEach(async () => {
      w = await buildWorld(stores);
    });
    afterEach(async () => w.close());

    async function underReview(partnerId = '1234567') {
      const who = applicant();
      await w.enroll(who, { partnerId });
      return { who, partner: await w.enrollment.verify(who, w.lastCode()) };
    }

    it('decides nothing while the organization has no Global admin', async () => {
      const { partner } = await underReview();
      const roster = (await w.stores.memberships.get(partner.id))!;
      await w.stores.memberships.replaceMembers(partner.id, roster.version, []);
      for (const decide of [
        () => w.review.approve(OPERATOR, partner.id),
        () => w.review.reject(OPERATOR, partner.id, 'Wrong PartnerID'),
      ]) {
        expect((await errorOf(decide())).messageKey).to.equal('enrollment:errors.noGlobalAdmin');
      }
      const stored = await w.stores.partners.get(partner.id);
      expect(stored?.status).to.equal('underReview');
      expect(stored?.decision).to.equal(undefined);
    });

    it('lists the queue oldest first, for operators only', async () => {
      const a = await underReview('111111');
      w.advance(1000);
      const b = await underReview('222222');
      const queue = await w.review.reviewQueue(OPERATOR);
      expect(queue.map((p) => p.id)).to.deep.equal([a.partner.id, b.partner.id]);
      expect((await errorOf(w.review.reviewQueue(a.who))).messageKey).to.equal(
        'enrollment:errors.operatorsOnly'
      );
    });

    it('approves once, recording who and when; a second click or operator changes nothing', async () => {
      const { partner } = await underReview();
      w.advance(5000);
      const first = await w.review.approve(OPERATOR, partner.id);
      expect(first.decidedNow).to.equal(true);
      expect(first.partner.status).to.equal('approved');
      expect(first.partner.decision).to.deep.include({ outcome: 'approved' });
      expect(first.partner.decision!.by).to.deep.equal({
        tenantId: OPERATOR.tenantId,
        aadObjectId: OPERATOR.aadObjectId,
        name: OPERATOR.name,
      });
      expect(first.partner.decision!.at.toISOString()).to.equal('2026-11-25T10:00:05.000Z');
      const [again, other] = await Promise.all([
        w.review.approve(OPERATOR, partner.id),
        w.review.reject(OPERATOR_2, partner.id, 'late'),
      ]);
      expect(again.decidedNow).to.equal(false);
      expect(other.decidedNow).to.equal(false);
      expect(other.partner.status).to.equal('approved');
      expect(w.events.filter((e) => e.kind === 'decided')).to.have.length(1);
    });

    it('lets exactly one of two simultaneous decisions win', async () => {
      const { partner } = await underReview();
      const results = await Promise.all([
        w.review.approve(OPERATOR, partner.id),
        w.review.reject(OPERATOR_2, partner.id, 'Incomplete profile'),
      ]);
      expect(results.filter((r) => r.decidedNow)).to.have.length(1);
      expect(results[0].partner.status).to.equal(results[1].partner.status);
    });

    it('requires a reason to reject and stores it', async () => {
      const { partner } = await underReview();
      expect((await errorOf(w.review.reject(OPERATOR, partner.id, '   '))).messageKey).to.equal(
        'enrollment:validation.reasonRequired'
      );
      const r = await w.review.reject(OPERATOR, partner.id, '  Address does not match  ');
      expect(r.partner.status).to.equal('rejected');
      expect(r.partner.decision?.reason).to.equal('Address does not match');
    });

    it('refuses decisions from non-operators, including the applicant', async () => {
      const { who, partner } = await underReview();
      expect((await errorOf(w.review.approve(who, partner.id))).code).to.equal('NotAllowed');
      expect((await w.enrollment.status(who)).partner?.status).to.equal('underReview');
    });

    it('cannot decide an application still waiting for email verification', async () => {
      const who = applicant();
      const p = await w.enroll(who);
      const r = await w.review.approve(OPERATOR, p.id);
      expect(r.decidedNow).to.equal(false);
      expect(r.partner.status).to.equal('emailVerificationPending');
    });

    it('reports an unknown application as not found', async () => {
      expect((await errorOf(w.review.approve(OPERATOR, 'p-missing'))).code).to.equal('NotFound');
    });
  });
}
