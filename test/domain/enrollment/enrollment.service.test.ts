import { expect } from 'chai';
import { DomainError } from '../../../domain/errors.js';
import { INTERRUPTED_SUBMIT_AFTER_MS } from '../../../domain/enrollment/enrollment.service.js';
import { FOUNDER_GRACE_MS } from '../../../domain/partners/membership.service.js';
import { applicant, buildWorld, OPERATOR, validAnswers } from './enrollment-world.js';
import { storeFactories } from '../../models/enrollment/store-factories.js';

async function rejects(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

for (const [storeName, stores] of storeFactories()) {
  describe(`enrollment service (${storeName})`, () => {
    let w: Awaited<ReturnType<typeof buildWorld>>;
    beforeEach(async () => {
      w = await buildWorld(stores);
    });
    afterEach(async () => {
      await w.close();
    });

    it('starts a draft prefilled from Teams and resumes it where it stopped', async () => {
      const anna = applicant('Anna Maria Schmidt');
      const s = await w.enrollment.begin(anna);
      expect(s.resumed).to.equal(false);
      expect(s.draft.step).to.equal('partnerType');
      expect(s.draft.answers).to.include({
        contactFirstName: 'Anna',
        contactLastName: 'Maria Schmidt',
        contactEmail: anna.email,
      });
      const saved = await w.enrollment.saveSection(
        anna,
        'partnerType',
        { partnerType: 'provider' },
        'tenant'
      );
      expect(saved.ok).to.equal(true);
      const again = await w.enrollment.begin(anna);
      expect(again.resumed).to.equal(true);
      expect(again.draft.step).to.equal('tenant');
      expect(again.draft.answers.partnerType).to.equal('provider');
      const fresh = await w.enrollment.begin(anna, { restart: true });
      expect(fresh.draft.step).to.equal('partnerType');
      expect(fresh.draft.answers.partnerType).to.equal(undefined);
    });

    it('keeps an invalid answer out of the draft and says why', async () => {
      const anna = applicant();
      await w.enrollment.begin(anna);
      const r = await w.enrollment.saveSection(
        anna,
        'tenant',
        { tenantCountry: 'DE', partnerId: '12', locationCountry: 'DE' },
        'company'
      );
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors[0].key).to.equal('enrollment:validation.partnerIdFormat');
      expect((await w.enrollment.draftOf(anna))?.step).to.equal('partnerType');
    });

    it('clears an optional answer that is emptied on edit', async () => {
      const anna = applicant();
      await w.enrollment.begin(anna);
      const company = {
        legalName: 'C',
        addressLine1: 'A',
        addressLine2: 'Floor 2',
        city: 'B',
        postalCode: '10115',
        companyPhone: '+4930123456',
      };
      await w.enrollment.saveSection(anna, 'company', company, 'contact');
      expect((await w.enrollment.draftOf(anna))?.answers.addressLine2).to.equal('Floor 2');
      await w.enrollment.saveSection(anna, 'company', { ...company, addressLine2: '' }, 'summary');
      expect((await w.enrollment.draftOf(anna))?.answers).to.not.have.property('addressLine2');
    });

    it('submits: pending email verification, code mailed, enroller is Global admin and Admin agent', async () => {
      const anna = applicant();
      const p = await w.enroll(anna);
      expect(p.status).to.equal('emailVerificationPending');
      expect(p.partnerId).to.equal('1234567');
      expect(p.submittedBy.aadObjectId).to.equal(anna.aadObjectId);
      expect(w.mails).to.have.length(1);
      expect(w.mails[0]).to.include({
        to: 'anna@contoso.example',
        templateKey: 'verificationCode',
        language: 'en',
      });
      expect(String(w.mails[0].values.code)).to.match(/^\d{6}$/);
      expect(w.mails[0].values.minutes).to.equal(30);
      expect((await w.memberships.rolesOf(anna)).roles).to.deep.equal([
        'globalAdmin',
        'adminAgent',
      ]);
      expect(await w.enrollment.draftOf(anna)).to.equal(null);
      expect(w.events).to.have.length(0);
    });

    it('refuses to submit an incomplete draft, naming the section', async () => {
      const anna = applicant();
      await w.enrollment.begin(anna);
      await w.enrollment.saveSection(anna, 'partnerType', { partnerType: 'reseller' }, 'tenant');
      const err = await rejects(w.enrollment.submit(anna, 'en'));
      expect(err.messageKey).to.equal('enrollment:errors.incomplete');
      expect(err.values).to.deep.equal({ context: 'tenant' });
    });

    it('verifies the code: under review, and the operators are told once', async () => {
      const anna = applicant();
      await w.enroll(anna);
      const p = await w.enrollment.verify(anna, w.lastCode());
      expect(p.status).to.equal('underReview');
      expect(p.verifiedEmail).to.equal('anna@contoso.example');
      expect(w.events.map((e) => e.kind)).to.deep.equal(['review']);
      const err = await rejects(w.enrollment.verify(anna, w.lastCode()));
      expect(err.messageKey).to.equal('enrollment:errors.notPendingVerification');
      expect(err.values).to.deep.equal({ context: 'underReview' });
      expect(w.events).to.have.length(1);
    });

    it('lets another user of the same tenant verify with the code (the code is the proof)', async () => {
      const anna = applicant();
      await w.enroll(anna);
      const contact = {
        tenantId: anna.tenantId,
        aadObjectId: 'contact-person',
        name: 'Carl Contact',
      };
      expect((await w.enrollment.verify(contact, w.lastCode())).status).to.equal('underReview');
    });

    it('refuses a second partner for the same tenant, naming its status', async () => {
      const anna = applicant();
      await w.enroll(anna);
      const colleague = { ...applicant('Bob'), tenantId: anna.tenantId };
      const err = await rejects(w.enrollment.begin(colleague));
      expect(err.code).to.equal('Conflict');
      expect(err.messageKey).to.equal('enrollment:errors.tenantAlreadyEnrolled');
      expect(err.values).to.deep.equal({ context: 'emailVerificationPending' });
    });

    it('refuses a PartnerID already enrolled by another tenant, when entered and at submit', async () => {
      const anna = applicant();
      await w.enroll(anna);
      await w.enrollment.verify(anna, w.lastCode());
      const bob = applicant('Bob');
      await w.enrollment.begin(bob);
      const r = await w.enrollment.saveSection(
        bob,
        'tenant',
        { tenantCountry: 'DE', partnerId: '1234567', locationCountry: 'DE' },
        'company'
      );
      expect(r.ok).to.equal(false);
      if (!r.ok)
        expect(r.errors[0]).to.deep.equal({
          field: 'partnerId',
          key: 'enrollment:errors.partnerIdTaken',
          values: { context: 'underReview' },
        });
    });

    it('turns a unique-index race at submit into a conflict naming the status, never a duplicate', async () => {
      const anna = applicant();
      const bob = applicant('Bob');
      // Both drafts pass the early check, then race to submit the same PartnerID.
      await w.enrollment.begin(anna);
      await w.enrollment.begin(bob);
      const all = validAnswers();
      for (const who of [anna, bob]) {
        for (const [section, fields] of Object.entries({
          partnerType: ['partnerType'],
          tenant: ['tenantCountry', 'partnerId', 'locationCountry'],
          company: ['legalName', 'addressLine1', 'city', 'postalCode', 'companyPhone'],
          contact: ['contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone'],
          support: ['supportEmail', 'supportPhone', 'supportWebsite'],
          terms: ['acceptTerms'],
        })) {
          const input = Object.fromEntries(fields.map((f) => [f, all[f as keyof typeof all]]));
          expect(
            (await w.enrollment.saveSection(who, section as never, input, 'summary')).ok
          ).to.equal(true);
        }
      }
      await w.enrollment.submit(anna, 'en');
      const err = await rejects(w.enrollment.submit(bob, 'en'));
      expect(err.messageKey).to.equal('enrollment:errors.partnerIdTaken');
      expect(err.values).to.deep.equal({ context: 'emailVerificationPending' });
      expect((await w.enrollment.status(bob)).partner).to.equal(null);
    });

    /** Makes Submit die right after the partner's insert, before its roster is written. */
    function failRosterOnce() {
      const settleFounder = w.memberships.settleFounder.bind(w.memberships);
      w.memberships.settleFounder = async () => {
        w.memberships.settleFounder = settleFounder;
        throw new Error('database unavailable');
      };
    }

    it('finishes a submit that died after creating the record, when Submit is clicked again', async () => {
      const anna = applicant();
      failRosterOnce();
      const failed = await w.enroll(anna).catch((err: Error) => err);
      expect((failed as Error).message).to.equal('database unavailable');
      // Clicked again at once (a double click), it is the other request's record: a conflict.
      const early = await rejects(w.enrollment.submit(anna, 'en'));
      expect(early.messageKey).to.equal('enrollment:errors.tenantAlreadyEnrolled');
      w.advance(INTERRUPTED_SUBMIT_AFTER_MS + 1);
      const partner = await w.enrollment.submit(anna, 'en');
      expect(partner.status).to.equal('emailVerificationPending');
      expect((await w.memberships.rolesOf(anna)).roles).to.have.members([
        'globalAdmin',
        'adminAgent',
      ]);
      expect(w.mails.map((m) => m.to)).to.deep.equal([partner.contactEmail]);
      expect(await w.stores.drafts.get(anna)).to.equal(null);
    });

    it('makes the founder the one Global admin when a colleague verifies after Submit died before the roster', async () => {
      const anna = applicant();
      failRosterOnce();
      await w.enroll(anna).catch(() => undefined);
      const owed = await w.stores.partners.findByTenant(anna.tenantId);
      expect(owed?.owedFounder).to.deep.include({ aadObjectId: anna.aadObjectId });
      expect(await w.stores.memberships.get(owed!.id)).to.equal(null);
      // Any user of the tenant may ask for the code and type it; the founder is still Anna.
      const colleague = { ...applicant('Carl Colleague'), tenantId: anna.tenantId };
      await w.enrollment.resendCode(colleague, 'en');
      const verified = await w.enrollment.verify(colleague, w.lastCode());
      expect(verified.status).to.equal('underReview');
      const roster = await w.stores.memberships.get(owed!.id);
      expect(roster?.members.map((m) => [m.aadObjectId, m.roles])).to.deep.equal([
        [anna.aadObjectId, ['globalAdmin', 'adminAgent']],
      ]);
      expect((await w.stores.partners.get(owed!.id))?.owedFounder).to.equal(undefined);
    });

    it('has the sweep make an owed founder after the grace period, and never change an existing roster', async () => {
      const anna = applicant();
      failRosterOnce();
      await w.enroll(anna).catch(() => undefined);
      const partner = (await w.stores.partners.findByTenant(anna.tenantId))!;
      expect(await w.memberships.settleOwedFounders()).to.equal(0);
      expect(await w.stores.memberships.get(partner.id)).to.equal(null);
      w.advance(FOUNDER_GRACE_MS + 1);
      expect(await w.memberships.settleOwedFounders()).to.equal(1);
      const roster = (await w.stores.memberships.get(partner.id))!;
      expect(roster.members.map((m) => m.aadObjectId)).to.deep.equal([anna.aadObjectId]);
      expect(await w.memberships.settleOwedFounders()).to.equal(0);
      // Settling again (a late request, a second process) leaves the roster as its admins made it.
      await w.stores.memberships.replaceMembers(partner.id, roster.version, [
        { ...roster.members[0], aadObjectId: 'someone-else' },
      ]);
      await w.memberships.settleFounder(partner);
      expect((await w.stores.memberships.get(partner.id))!.members[0].aadObjectId).to.equal(
        'someone-else'
      );
    });

    it('refuses to put an application under review while its organization has no Global admin, keeping the code', async () => {
      const anna = applicant();
      const p = await w.enroll(anna);
      const roster = (await w.stores.memberships.get(p.id))!;
      await w.stores.memberships.replaceMembers(p.id, roster.version, []);
      const err = await rejects(w.enrollment.verify(anna, w.lastCode()));
      expect(err.messageKey).to.equal('enrollment:errors.noGlobalAdmin');
      expect((await w.stores.partners.get(p.id))?.status).to.equal('emailVerificationPending');
      expect(w.events).to.deep.equal([]);
      await w.stores.memberships.replaceMembers(p.id, roster.version + 1, roster.members);
      expect((await w.enrollment.verify(anna, w.lastCode())).status).to.equal('underReview');
    });

    it('resubmits a rejected application from its answers, keeping a verified email verified', async () => {
      const anna = applicant();
      const p = await w.enroll(anna);
      await w.enrollment.verify(anna, w.lastCode());
      await w.review.reject(OPERATOR, p.id, 'Company name does not match the PartnerID profile');
      const s = await w.enrollment.begin(anna);
      expect(s.draft.step).to.equal('summary');
      expect(s.draft.resubmitOf).to.equal(p.id);
      expect(s.rejected?.decision?.reason).to.equal(
        'Company name does not match the PartnerID profile'
      );
      expect(s.draft.answers.legalName).to.equal('Contoso GmbH');
      await w.enrollment.saveSection(
        anna,
        'company',
        { ...validAnswers(), legalName: 'Contoso Deutschland GmbH' },
        'summary'
      );
      const again = await w.enrollment.submit(anna, 'en');
      expect(again.id).to.equal(p.id);
      expect(again.status).to.equal('underReview');
      expect(again.legalName).to.equal('Contoso Deutschland GmbH');
      expect(again.decision).to.equal(undefined);
      expect(w.mails).to.have.length(1);
    });

    it('asks for a new verification when the resubmitted contact email changed', async () => {
      const anna = applicant();
      const p = await w.enroll(anna);
      await w.enrollment.verify(anna, w.lastCode());
      await w.review.reject(OPERATOR, p.id, 'Wrong contact');
      await w.enrollment.begin(anna);
      await w.enrollment.saveSection(
        anna,
        'contact',
        { ...validAnswers(), contactEmail: 'new@contoso.example' },
        'summary'
      );
      const again = await w.enrollment.submit(anna, 'ru');
      expect(again.status).to.equal('emailVerificationPending');
      expect(w.mails.at(-1)).to.include({ to: 'new@contoso.example', language: 'ru' });
    });

    it('lets only a Global admin resubmit a rejected application', async () => {
      const anna = applicant();
      const p = await w.enroll(anna);
      await w.enrollment.verify(anna, w.lastCode());
      await w.review.reject(OPERATOR, p.id, 'No');
      const colleague = { ...applicant('Bob'), tenantId: anna.tenantId };
      const err = await rejects(w.enrollment.begin(colleague));
      expect(err.code).to.equal('NotAllowed');
    });

    it('shows status to the tenant and nothing of it to another tenant', async () => {
      const anna = applicant();
      await w.enroll(anna);
      const mine = await w.enrollment.status(anna);
      expect(mine.partner?.status).to.equal('emailVerificationPending');
      expect(mine.roles).to.deep.equal(['globalAdmin', 'adminAgent']);
      expect(mine.resendWaitSeconds).to.equal(60);
      const stranger = { ...applicant('Eve'), aadObjectId: anna.aadObjectId };
      const theirs = await w.enrollment.status(stranger);
      expect(theirs.partner).to.equal(null);
      expect(theirs.roles).to.deep.equal([]);
      const err = await rejects(w.enrollment.verify(stranger, w.lastCode()));
      expect(err.code).to.equal('NotFound');
    });

    it('resends a code after the cooldown only, and the old code stops working', async () => {
      const anna = applicant();
      await w.enroll(anna);
      const first = w.lastCode();
      const err = await rejects(w.enrollment.resendCode(anna, 'en'));
      expect(err.messageKey).to.equal('enrollment:errors.resendCooldown');
      w.advance(61_000);
      await w.enrollment.resendCode(anna, 'en');
      expect(w.mails).to.have.length(2);
      const second = w.lastCode();
      if (first !== second) {
        expect((await rejects(w.enrollment.verify(anna, first))).messageKey).to.equal(
          'enrollment:errors.codeWrong'
        );
      }
      expect((await w.enrollment.verify(anna, second)).status).to.equal('underReview');
    });
  });
}
