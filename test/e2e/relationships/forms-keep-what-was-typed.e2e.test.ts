import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { bodyIds, cardIn, errorUnder, inputsOf } from '../../helpers/form-card.js';
import {
  cast,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

const PARTNER_ID_RULE = 'A PartnerID has 6 or 7 digits, for example 1234567.';

/**
 * Issue 12/18, forms that keep what the person typed: a refused submit of invite reseller, the
 * request form, invite customer or Extend comes back as the same form, every typed value kept
 * and every problem right under its field; out-of-range days are refused with the range.
 */
describe('forms keep what was typed and show every problem next to its field (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  const count = (name: string) => w.collection(name).countDocuments({});
  const value = (card: Record<string, unknown>, id: string) => inputsOf(card).get(id)?.input.value;

  /** An active relationship the reseller asked for (a year) and the provider authorized. */
  async function active(): Promise<string> {
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

  it('invite reseller: a bad email, a 5-digit PartnerID, no role and 900 days come back on the form, all at once', async () => {
    const typed = { email: 'anna(at)contoso', partnerId: '12345', roles: '', durationDays: '900' };
    const res = await w.click(cast.provider, Verbs.relationshipInvite, {
      ...typed,
      autoExtend: 'false',
    });
    expect(res.status).to.equal(200);
    const card = cardIn(res.body);
    expect(res.seen).to.include('Invite a reseller');
    expect(value(card, 'email')).to.equal('anna(at)contoso');
    expect(value(card, 'partnerId')).to.equal('12345');
    expect(value(card, 'durationDays')).to.equal(900);
    expect(errorUnder(card, 'email')).to.equal("Enter the reseller's email address.");
    expect(errorUnder(card, 'partnerId')).to.equal(PARTNER_ID_RULE);
    expect(errorUnder(card, 'roles')).to.equal('Choose at least one delegated admin role.');
    expect(errorUnder(card, 'durationDays')).to.equal(
      'The duration must be a whole number of days from 1 to 730.'
    );
    expect(await count('resellerInvitations')).to.equal(0);
    expect(await count('relationships')).to.equal(0);
  });

  it('the request form: 900 days is refused with the range (not made 730), with the missing consent beside its toggle', async () => {
    const res = await w.click(cast.reseller, Verbs.relationshipRequest, {
      providerRef: w.provider.id,
      roles: 'globalReader,userAdministrator',
      durationDays: '900',
      autoExtend: 'true',
      consent: 'false',
    });
    const card = cardIn(res.body);
    expect(res.seen).to.include('Ask Fabrikam Distribution to be your indirect provider');
    expect(value(card, 'roles')).to.equal('globalReader,userAdministrator');
    expect(value(card, 'durationDays')).to.equal(900);
    expect(value(card, 'autoExtend')).to.equal('true');
    expect(errorUnder(card, 'durationDays')).to.include('from 1 to 730');
    expect(errorUnder(card, 'consent')).to.include('Switch on the consent toggle');
    expect(errorUnder(card, 'roles')).to.equal('');
    // The summary sits right above the Send button, where the person clicked.
    expect(bodyIds(card).at(-1)).to.equal('formErrors');
    expect(await count('relationships')).to.equal(0);
  });

  it('invite customer: a one-letter company, a bad address and a long note come back on the form', async () => {
    await active();
    const typed = { companyName: 'N', adminEmail: 'it at northwind', note: 'n'.repeat(600) };
    const res = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      ...typed,
    });
    const card = cardIn(res.body);
    expect(res.seen).to.include('Invite a customer');
    for (const [id, v] of Object.entries(typed)) expect(value(card, id), id).to.equal(v);
    expect(errorUnder(card, 'companyName')).to.include('2 to 120 characters');
    expect(errorUnder(card, 'adminEmail')).to.include('does not look right');
    expect(errorUnder(card, 'note')).to.include('500 characters at most');
    expect(await count('invitations')).to.equal(0);
  });

  it('Extend: 900 days and an unknown role are refused next to their inputs on the relationship card, nothing changed', async () => {
    const id = await active();
    const before = JSON.stringify(await w.collection('relationships').findOne({}));
    const res = await w.click(cast.reseller, Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '900',
      roles: 'globalReader,makeMeKing',
    });
    const card = cardIn(res.body);
    expect(value(card, 'durationDays')).to.equal(900);
    expect(value(card, 'roles')).to.equal('globalReader,makeMeKing');
    expect(errorUnder(card, 'durationDays')).to.include('whole number of days from 1 to 365');
    expect(errorUnder(card, 'roles')).to.equal('Choose at least one delegated admin role.');
    expect(bodyIds(card)).to.not.include('notice');
    expect(JSON.stringify(await w.collection('relationships').findOne({}))).to.equal(before);
  });

  it('the PartnerID has one rule and one message: enrollment and invite reseller refuse the same values alike', async () => {
    const conversation = w.app.teams.conversationId(cast.customer);
    const submit = async (data: Record<string, unknown>) => {
      const before = w.app.connector.shown(conversation).length;
      await w.app.post(w.app.teams.submit(cast.customer, data));
      return w.app.connector.shown(conversation).slice(before);
    };
    await w.say(cast.customer, 'enroll');
    await submit({
      verb: Verbs.enrollmentSection,
      section: 'partnerType',
      action: 'next',
      partnerType: 'reseller',
    });
    for (const partnerId of ['12345', '12345678', '12a4567']) {
      const shown = await submit({
        verb: Verbs.enrollmentSection,
        section: 'tenant',
        action: 'next',
        tenantCountry: 'DE',
        locationCountry: 'DE',
        partnerId,
      });
      const enrollCard = cardIn(shown.find((a) => a.attachments));
      const invite = await w.click(cast.provider, Verbs.relationshipInvite, {
        email: 'anna@contoso.example',
        partnerId,
        ...GRANT,
      });
      const inviteCard = cardIn(invite.body);
      expect(errorUnder(enrollCard, 'partnerId'), partnerId).to.equal(PARTNER_ID_RULE);
      expect(errorUnder(inviteCard, 'partnerId'), partnerId).to.equal(PARTNER_ID_RULE);
      // Teams' own check on both forms is the same rule with the same message.
      const [a, b] = [enrollCard, inviteCard].map((c) => inputsOf(c).get('partnerId')!.input);
      expect(a.regex).to.be.a('string').and.equal(b.regex);
      expect(new RegExp(a.regex).test(partnerId)).to.equal(false);
      expect(new RegExp(a.regex).test('1234567')).to.equal(true);
      expect(a.errorMessage).to.equal(PARTNER_ID_RULE).and.equal(b.errorMessage);
    }
    expect(t('ru', 'enrollment:validation.partnerIdFormat')).to.include('6 или 7');
    expect(await count('resellerInvitations')).to.equal(0);
  });
});
