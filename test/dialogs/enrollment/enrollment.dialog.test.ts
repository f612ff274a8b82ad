import { expect } from 'chai';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { replyText, type DialogClient } from '../../helpers/dialog-client.js';
import { personas } from '../../helpers/personas.js';
import { OPERATOR } from '../../domain/enrollment/enrollment-world.js';
import {
  VALID,
  dialogWorld,
  inputIds,
  inputValue,
  sectionSubmit,
  summaryBack,
  summaryEdit,
  summarySubmit,
} from './enrollment-dialog-world.js';

const text = (replies: { text?: string }[]) => replies.map(replyText).join('\n');

type Section = keyof typeof VALID;
const ORDER: Section[] = ['partnerType', 'tenant', 'company', 'contact', 'support', 'terms'];

describe('enrollment dialog', () => {
  let w: Awaited<ReturnType<typeof dialogWorld>>;
  beforeEach(async () => {
    w = await dialogWorld();
  });
  afterEach(async () => w.world.close());

  /** Starts and answers sections up to (not including) `until`. */
  async function fillUntil(client: DialogClient, until: Section | 'summary') {
    await client.send('enroll');
    for (const s of ORDER) {
      if (s === until) return;
      await client.send(sectionSubmit(s, VALID[s]));
    }
  }

  it('walks through every section, submits, verifies the emailed code and goes under review', async () => {
    const client = w.client(personas.reseller);
    let replies = await client.send('enroll');
    expect(text(replies)).to.include('five minutes');
    expect(inputIds(replies)).to.deep.equal(['partnerType']);
    const expectedInputs: Record<Section, string[]> = {
      partnerType: ['partnerType'],
      tenant: ['tenantCountry', 'partnerId', 'locationCountry'],
      company: [
        'legalName',
        'addressLine1',
        'addressLine2',
        'city',
        'region',
        'postalCode',
        'companyPhone',
      ],
      contact: ['contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone'],
      support: ['supportEmail', 'supportPhone', 'supportWebsite'],
      terms: ['acceptTerms'],
    };
    for (const [i, s] of ORDER.entries()) {
      expect(inputIds(replies), s).to.deep.equal(expectedInputs[s]);
      expect(text(replies)).to.include(`Step ${i + 1} of 6`);
      replies = await client.send(sectionSubmit(s, VALID[s]));
    }
    expect(text(replies)).to.include('Review your application');
    expect(text(replies)).to.include('Contoso GmbH');
    expect(text(replies)).to.include('Germany');
    expect(text(replies)).to.include('Indirect reseller');
    replies = await client.send(summarySubmit);
    expect(text(replies)).to.include('application is submitted');
    expect(inputIds(replies)).to.deep.equal(['code']);
    expect(text(replies)).to.include('anna@contoso.example');
    expect(w.world.mails).to.have.length(1);
    expect(w.world.mails[0].to).to.equal('anna@contoso.example');
    replies = await client.send(w.world.lastCode());
    expect(text(replies)).to.include('under review');
    expect(client.status).to.equal(DialogTurnStatus.complete);
    const status = await w.world.enrollment.status(personas.reseller);
    expect(status.partner?.status).to.equal('underReview');
    expect(status.roles).to.deep.equal(['globalAdmin', 'adminAgent']);
    expect(w.world.events.map((e) => e.kind)).to.deep.equal(['review']);
  });

  it('prefills the contact from Teams and shows the tenant on the tenant step', async () => {
    const client = w.client(personas.reseller);
    await client.send('enroll');
    let replies = await client.send(sectionSubmit('partnerType', VALID.partnerType));
    expect(text(replies)).to.include(personas.reseller.tenantId);
    await client.send(sectionSubmit('tenant', VALID.tenant));
    replies = await client.send(sectionSubmit('company', VALID.company));
    expect(inputValue(replies, 'contactFirstName')).to.equal('Anna');
    expect(inputValue(replies, 'contactLastName')).to.equal('Petrova');
    expect(inputValue(replies, 'contactEmail')).to.equal(personas.reseller.email);
  });

  const invalid: [string, Section, Record<string, unknown>, string][] = [
    [
      'a partner ID that is not 6-7 digits',
      'tenant',
      { ...VALID.tenant, partnerId: '12345' },
      'A PartnerID has 6 or 7 digits',
    ],
    [
      'an unknown country code',
      'tenant',
      { ...VALID.tenant, tenantCountry: 'XX' },
      '"XX" is not a country/region of the CSP program',
    ],
    [
      'a sanctioned country (North Korea)',
      'tenant',
      { ...VALID.tenant, tenantCountry: 'KP', locationCountry: 'KP' },
      '"KP" is not a country/region of the CSP program',
    ],
    [
      'a country that is no longer a CSP market (Russia)',
      'tenant',
      { ...VALID.tenant, tenantCountry: 'Russia', locationCountry: 'Russia' },
      '"Russia" is not a country/region of the CSP program',
    ],
    [
      'letters as a German postal code',
      'company',
      { ...VALID.company, postalCode: 'ABC' },
      'Postal codes in Germany have 5 digits, for example 10115.',
    ],
    [
      'a number that is not a German phone number',
      'company',
      { ...VALID.company, companyPhone: '030 12' },
      'Enter a phone number valid in Germany, for example +49 ',
    ],
    [
      'a location in another country than the tenant',
      'tenant',
      { ...VALID.tenant, locationCountry: 'FR' },
      'same country/region as your tenant (Germany), but this location is in France',
    ],
    [
      'a malformed phone',
      'company',
      { ...VALID.company, companyPhone: 'ask Bob' },
      'Enter a phone number valid in Germany',
    ],
    [
      'a missing legal name',
      'company',
      { ...VALID.company, legalName: ' ' },
      'Please fill in this answer',
    ],
    [
      'a bad contact email',
      'contact',
      { ...VALID.contact, contactEmail: 'anna@' },
      'Enter an email address',
    ],
    [
      'a support site without https',
      'support',
      { ...VALID.support, supportWebsite: 'http://contoso.example' },
      'must start with https://',
    ],
    ['terms not accepted', 'terms', { acceptTerms: 'false' }, 'Accept the program terms'],
  ];
  for (const [name, section, inputs, message] of invalid) {
    it(`re-asks the ${section} step with a specific message for ${name}`, async () => {
      const client = w.client(personas.reseller);
      await fillUntil(client, section);
      const replies = await client.send(sectionSubmit(section, inputs));
      expect(text(replies)).to.include(message);
      expect(text(replies)).to.include('Please fix the highlighted answers');
      // The same section is asked again (its inputs), not the next one.
      expect(inputIds(replies)).to.deep.equal(Object.keys(VALID[section]));
      // The wrong answer is shown back for correcting, the draft did not move on.
      const draft = await w.world.enrollment.draftOf(personas.reseller);
      expect(draft?.step).to.equal(section);
      const fixed = await client.send(sectionSubmit(section, VALID[section]));
      expect(text(fixed)).to.not.include(message);
    });
  }

  it('shows phones spaced in international format on the summary, and stores them as E.164', async () => {
    const client = w.client(personas.reseller);
    await client.send('enroll');
    let replies: Awaited<ReturnType<typeof client.send>> = [];
    for (const s of ORDER) {
      // A national number is read as one of the partner's country (Germany).
      const inputs = s === 'company' ? { ...VALID.company, companyPhone: '030 1234567' } : VALID[s];
      replies = await client.send(sectionSubmit(s, inputs));
    }
    expect(text(replies)).to.include('+49 30 1234567');
    expect(text(replies)).to.include('+49 30 7654321');
    expect(text(replies)).to.not.include('+49301234567');
    const draft = await w.world.enrollment.draftOf(personas.reseller);
    expect(draft?.answers.companyPhone).to.equal('+49301234567');
    replies = await client.send(summaryEdit('company'));
    expect(inputValue(replies, 'companyPhone')).to.equal('+49 30 1234567');
  });

  it('explains the postal code format of the country in Russian too', async () => {
    const client = w.client(personas.reseller, {}, 'ru-RU');
    await client.send('регистрация');
    await client.send(sectionSubmit('partnerType', VALID.partnerType));
    await client.send(sectionSubmit('tenant', VALID.tenant));
    const replies = await client.send(
      sectionSubmit('company', { ...VALID.company, postalCode: 'ABC' })
    );
    expect(text(replies)).to.include(
      'Почтовый индекс в стране или регионе «Германия» состоит из 5 цифр, например 10115.'
    );
  });

  it('offers the CSP markets as countries, without Antarctica, Bouvet Island or North Korea', async () => {
    const client = w.client(personas.reseller);
    await client.send('enroll');
    const replies = await client.send(sectionSubmit('partnerType', VALID.partnerType));
    const choices = JSON.stringify(replies.map((r) => r.attachments?.[0]?.content));
    expect(choices).to.include('"Germany"').and.include('"Kazakhstan"');
    for (const name of ['Antarctica', 'Bouvet Island', 'North Korea', 'Russia', 'Belarus', 'Iran'])
      expect(choices).to.not.include(`"${name}"`);
  });

  it('shows the current section again for a click that names no section of the form', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'company');
    const replies = await client.send(sectionSubmit('bogus', VALID.company));
    expect(inputIds(replies)).to.include('legalName');
    expect(inputValue(replies, 'legalName')).to.not.equal(VALID.company.legalName);
    // Nothing saved: the company step is still the one the form is at.
    const next = await client.send(sectionSubmit('company', VALID.company));
    expect(inputIds(next)).to.include('contactEmail');
  });

  it('goes back a step with the Back button or by typing back, keeping the answers', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'company');
    let replies = await client.send(sectionSubmit('company', {}, 'back'));
    expect(inputIds(replies)).to.deep.equal(['tenantCountry', 'partnerId', 'locationCountry']);
    expect(inputValue(replies, 'partnerId')).to.equal('1234567');
    replies = await client.send('back');
    expect(inputIds(replies)).to.deep.equal(['partnerType']);
    expect(inputValue(replies, 'partnerType')).to.equal('reseller');
    replies = await client.send('назад');
    expect(text(replies)).to.include('This is the first step');
  });

  it('accepts the partner type typed, in English or Russian', async () => {
    const client = w.client(personas.reseller);
    await client.send('enroll');
    const replies = await client.send('поставщик');
    expect(inputIds(replies)).to.include('partnerId');
    expect((await w.world.enrollment.draftOf(personas.reseller))?.answers.partnerType).to.equal(
      'provider'
    );
  });

  it('explains that a multi-field step needs the form when text is typed', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'company');
    const replies = await client.send('Contoso GmbH');
    expect(text(replies)).to.include('Please fill in the form above');
  });

  it('edits a section from the summary and returns to the summary', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'summary');
    let replies = await client.send(summaryEdit('company'));
    expect(inputValue(replies, 'legalName')).to.equal('Contoso GmbH');
    expect(text(replies)).to.include('Save and review');
    replies = await client.send(
      sectionSubmit('company', { ...VALID.company, legalName: 'Contoso Deutschland GmbH' })
    );
    expect(text(replies)).to.include('Review your application');
    expect(text(replies)).to.include('Contoso Deutschland GmbH');
    replies = await client.send(summaryBack);
    expect(inputIds(replies)).to.deep.equal(['acceptTerms']);
  });

  it("warns on the summary when the contact's email is not on the user's domain", async () => {
    const client = w.client(personas.reseller);
    await client.send('enroll');
    for (const s of ORDER) {
      const inputs =
        s === 'contact' ? { ...VALID.contact, contactEmail: 'anna@gmail.example' } : VALID[s];
      const replies = await client.send(sectionSubmit(s, inputs));
      if (s === 'terms') {
        expect(text(replies)).to.include('on gmail.example, not on your organization');
      }
    }
  });

  it('resumes an interrupted enrollment where it stopped, with a fresh dialog (as after a restart)', async () => {
    const first = w.client(personas.reseller);
    await fillUntil(first, 'contact');
    const second = w.client(personas.reseller);
    const replies = await second.send('enroll');
    expect(text(replies)).to.include('Welcome back');
    expect(text(replies)).to.include('Primary contact');
    expect(inputIds(replies)).to.deep.equal([
      'contactFirstName',
      'contactLastName',
      'contactEmail',
      'contactPhone',
    ]);
  });

  it('starts over on request', async () => {
    const first = w.client(personas.reseller);
    await fillUntil(first, 'contact');
    const replies = await w.client(personas.reseller, { restart: true }).send('enroll');
    expect(text(replies)).to.include('five minutes');
    expect(inputIds(replies)).to.deep.equal(['partnerType']);
  });

  it('speaks Russian to a Russian Teams client', async () => {
    const client = w.client(personas.reseller, {}, 'ru-RU');
    let replies = await client.send('регистрация');
    expect(text(replies)).to.include('Шаг 1 из 6');
    await client.send(sectionSubmit('partnerType', VALID.partnerType));
    replies = await client.send(
      sectionSubmit('tenant', { ...VALID.tenant, locationCountry: 'FR' })
    );
    expect(text(replies)).to.include('(Германия)');
    expect(text(replies)).to.include('«Франция»');
  });

  it('counts a wrong code, and leaves the code for later on other text', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'summary');
    await client.send(summarySubmit);
    const wrong = w.world.lastCode() === '000000' ? '111111' : '000000';
    let replies = await client.send(wrong);
    expect(text(replies)).to.include('Attempts left: 4');
    replies = await client.send('status');
    expect(text(replies)).to.include("I've stopped waiting for the code");
    expect(client.status).to.equal(DialogTurnStatus.complete);
    expect((await w.world.enrollment.status(personas.reseller)).partner?.status).to.equal(
      'emailVerificationPending'
    );
  });

  it('refuses a second enrollment of the same tenant, naming the status', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'summary');
    await client.send(summarySubmit);
    const colleague = w.client(personas.resellerAgent);
    const replies = await colleague.send('enroll');
    expect(text(replies)).to.include('waiting for the contact email to be verified');
    expect(colleague.status).to.equal(DialogTurnStatus.complete);
  });

  it('resubmits a rejected application from the summary, showing the reason', async () => {
    const client = w.client(personas.reseller);
    await fillUntil(client, 'summary');
    await client.send(summarySubmit);
    await client.send(w.world.lastCode());
    const partner = (await w.world.enrollment.status(personas.reseller)).partner!;
    await w.world.review.reject(OPERATOR, partner.id, 'Legal name does not match');
    const again = w.client(personas.reseller);
    let replies = await again.send('enroll');
    expect(text(replies)).to.include('rejected: "Legal name does not match"');
    expect(text(replies)).to.include('Review your application');
    replies = await again.send(summarySubmit);
    expect(text(replies)).to.include('under review');
    expect((await w.world.enrollment.status(personas.reseller)).partner?.status).to.equal(
      'underReview'
    );
  });
});
