import { expect } from 'chai';
import {
  COUNTRIES,
  countryChoices,
  countryName,
  resolveCountry,
} from '../../../domain/partners/countries.js';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { POSTAL_CODE_EXAMPLES, postalCodeFormat } from '../../../domain/partners/postal-codes.js';
import {
  FIELD_IDS,
  firstIncompleteSection,
  formatPhone,
  validateAnswers,
  validateField,
  validateSection,
} from '../../../domain/partners/partner-profile.js';
import { validAnswers } from '../enrollment/enrollment-world.js';

function firstError(field: Parameters<typeof validateField>[0], value: unknown) {
  const r = validateField(field, value);
  return r.ok ? undefined : r.errors[0];
}

describe('enrollment form rules', () => {
  it('uses exactly the field ids of the issue', () => {
    expect(FIELD_IDS).to.deep.equal([
      'partnerType',
      'tenantCountry',
      'partnerId',
      'locationCountry',
      'legalName',
      'addressLine1',
      'addressLine2',
      'city',
      'region',
      'postalCode',
      'companyPhone',
      'contactFirstName',
      'contactLastName',
      'contactEmail',
      'contactPhone',
      'supportEmail',
      'supportPhone',
      'supportWebsite',
      'acceptTerms',
    ]);
  });

  it('accepts a complete valid application and normalizes it', () => {
    const r = validateAnswers({
      ...validAnswers(),
      tenantCountry: 'de',
      locationCountry: 'Germany',
    });
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.value.tenantCountry).to.equal('DE');
    expect(r.value.locationCountry).to.equal('DE');
    expect(r.value.companyPhone).to.equal('+49301234567');
    expect(r.value.postalCode).to.equal('10115');
    expect(r.value.acceptTerms).to.equal(true);
    expect(r.value.addressLine2).to.equal(undefined);
  });

  const cases: [Parameters<typeof validateField>[0], unknown, string][] = [
    ['partnerType', 'distributor', 'enrollment:validation.partnerTypeInvalid'],
    ['partnerId', '12345', 'enrollment:validation.partnerIdFormat'],
    ['partnerId', '12345678', 'enrollment:validation.partnerIdFormat'],
    ['partnerId', '12a4567', 'enrollment:validation.partnerIdFormat'],
    ['tenantCountry', 'XX', 'enrollment:validation.countryUnknown'],
    ['locationCountry', 'Atlantis', 'enrollment:validation.countryUnknown'],
    ['legalName', '   ', 'enrollment:validation.required'],
    ['legalName', 'x'.repeat(201), 'enrollment:validation.tooLong'],
    ['postalCode', '#', 'enrollment:validation.postalCodeInvalid'],
    ['companyPhone', 'call me', 'enrollment:validation.phoneInvalid'],
    ['contactPhone', '+12', 'enrollment:validation.phoneInvalid'],
    ['contactEmail', 'anna@', 'enrollment:validation.emailInvalid'],
    ['supportEmail', 'support.contoso.com', 'enrollment:validation.emailInvalid'],
    ['supportWebsite', 'http://contoso.com', 'enrollment:validation.websiteNotHttps'],
    ['supportWebsite', 'contoso.com', 'enrollment:validation.websiteNotHttps'],
    ['supportWebsite', 'not a site', 'enrollment:validation.websiteInvalid'],
    ['acceptTerms', 'false', 'enrollment:validation.termsRequired'],
    ['acceptTerms', undefined, 'enrollment:validation.termsRequired'],
  ];
  for (const [field, value, key] of cases) {
    it(`refuses ${field} = ${JSON.stringify(value)?.slice(0, 20)} with ${key.split('.').pop()}`, () => {
      expect(firstError(field, value)?.key).to.equal(key);
      expect(firstError(field, value)?.field).to.equal(field);
    });
  }

  it('names the limit when an answer is too long', () => {
    expect(firstError('city', 'x'.repeat(101))?.values).to.deep.equal({ max: 100 });
  });

  it('accepts 6 and 7 digit partner IDs and phones written the usual ways', () => {
    expect(validateField('partnerId', ' 123456 ')).to.deep.equal({ ok: true, value: '123456' });
    expect(validateField('partnerId', '1234567').ok).to.equal(true);
    expect(validateField('contactPhone', '0049 (30) 123-45-67')).to.deep.equal({
      ok: true,
      value: '+49301234567',
    });
    const de = { country: 'DE' };
    expect(validateField('contactPhone', '030 1234567', de)).to.deep.equal({
      ok: true,
      value: '+49301234567',
    });
    expect(validateField('contactPhone', '8 727 250 00 00', { country: 'KZ' })).to.deep.equal({
      ok: true,
      value: '+77272500000',
    });
    // A support line abroad, written with its country code.
    expect(validateField('supportPhone', '+1 212 555 0100', de).ok).to.equal(true);
    // Without a country yet, a national number cannot be read.
    expect(firstError('contactPhone', '030 1234567')?.key).to.equal(
      'enrollment:validation.phoneInvalid'
    );
  });

  it('refuses a phone number that is not valid in the country, with an example', () => {
    const r = validateField('companyPhone', '030 12', { country: 'DE' });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors[0].key).to.equal('enrollment:validation.phoneInvalidFor');
    expect(r.errors[0].values.country).to.equal('DE');
    expect(String(r.errors[0].values.example)).to.match(/^\+49 /);
  });

  it('shows a stored phone in international format', () => {
    expect(formatPhone('+49301234567')).to.equal('+49 30 1234567');
    expect(formatPhone('+442079460958')).to.equal('+44 20 7946 0958');
  });

  it("checks postal codes by the country's pattern and says what it looks like", () => {
    const de = { country: 'DE' };
    expect(validateField('postalCode', '10115', de)).to.deep.equal({ ok: true, value: '10115' });
    expect(validateField('postalCode', ' sw1a  1aa ', { country: 'GB' })).to.deep.equal({
      ok: true,
      value: 'SW1A 1AA',
    });
    expect(validateField('postalCode', '1012 js', { country: 'NL' }).ok).to.equal(true);
    expect(validateField('postalCode', 'ABC', de)).to.deep.equal({
      ok: false,
      errors: [
        {
          field: 'postalCode',
          key: 'enrollment:validation.postalCodeDigits',
          values: { country: 'DE', example: '10115', digits: 5 },
        },
      ],
    });
    const uk = validateField('postalCode', '12345', { country: 'GB' });
    expect(uk.ok ? undefined : uk.errors[0]).to.deep.include({
      key: 'enrollment:validation.postalCodeFormat',
      values: { country: 'GB', example: 'SW1A 1AA' },
    });
    // No postal code system, no pattern: any short code is taken.
    expect(validateField('postalCode', '000000', { country: 'HK' }).ok).to.equal(true);
  });

  it('validates a submitted draft by the rules of its own country', () => {
    const a = validAnswers();
    expect(validateAnswers({ ...a, postalCode: 'ABC' }).ok).to.equal(false);
    expect(firstIncompleteSection({ ...a, postalCode: 'ABC' })).to.equal('company');
    // Moved to the UK after the company step: a German postal code no longer fits.
    const uk = { ...a, tenantCountry: 'GB', locationCountry: 'GB' };
    expect(firstIncompleteSection(uk)).to.equal('company');
  });

  it('refuses a location in another country than the tenant, with both countries', () => {
    const r = validateSection('tenant', {
      tenantCountry: 'DE',
      partnerId: '123456',
      locationCountry: 'FR',
    });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors).to.deep.equal([
      {
        field: 'locationCountry',
        key: 'enrollment:validation.locationCountryMismatch',
        values: { tenantCountry: 'DE', locationCountry: 'FR' },
      },
    ]);
  });

  it('reports one error per field, for every broken field of a section', () => {
    const r = validateSection('contact', {
      contactFirstName: '',
      contactLastName: 'S',
      contactEmail: 'x',
      contactPhone: '1',
    });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).to.deep.equal([
      'contactFirstName',
      'contactEmail',
      'contactPhone',
    ]);
  });

  it('finds the first incomplete section of a draft', () => {
    const a = validAnswers();
    expect(firstIncompleteSection(a)).to.equal(undefined);
    expect(firstIncompleteSection({ ...a, contactEmail: undefined })).to.equal('contact');
    expect(firstIncompleteSection({ ...a, locationCountry: 'FR' })).to.equal('tenant');
  });
});

describe('country list', () => {
  it("ships the CSP markets once each, with Partner Center's English and Russian names", () => {
    expect(new Set(COUNTRIES.map((c) => c.code)).size).to.equal(COUNTRIES.length);
    expect(
      COUNTRIES.every((c) => /^[A-Z]{2}$/.test(c.code) && c.en && c.ru && c.en !== c.code)
    ).to.equal(true);
    expect(COUNTRIES.every((c) => /^[^A-Za-z]+$/.test(c.ru.replace(/SAR|CSP/g, '')))).to.equal(
      true
    );
    expect(countryName('DE', 'ru')).to.equal('Германия');
    expect(countryName('GE', 'ru')).to.equal('Грузия');
    expect(countryName('KR', 'en')).to.equal('Korea');
  });

  it('leaves out territories without businesses, sanctioned countries, Russia and Belarus', () => {
    const codes = new Set(COUNTRIES.map((c) => c.code));
    for (const code of [
      'AQ',
      'BV',
      'HM',
      'GS',
      'TF',
      'UM',
      'IO',
      'KP',
      'IR',
      'SY',
      'CU',
      'RU',
      'BY',
    ])
      expect(codes.has(code), code).to.equal(false);
    for (const code of ['DE', 'US', 'KZ', 'UA', 'XK', 'HK', 'AE'])
      expect(codes.has(code), code).to.equal(true);
    expect(resolveCountry('Россия')).to.equal(undefined);
  });

  it('has a postal code example for every market whose pattern is known, and each one fits', () => {
    for (const c of COUNTRIES) {
      const example = POSTAL_CODE_EXAMPLES[c.code];
      if (postcodeValidatorExistsForCountry(c.code)) {
        expect(example, `${c.code} example`).to.be.a('string');
        expect(postcodeValidator(example, c.code), `${c.code} ${example}`).to.equal(true);
      }
    }
    expect(postalCodeFormat('DE')).to.deep.equal({ example: '10115', digits: 5 });
  });

  it('resolves codes and names typed in either language', () => {
    expect(resolveCountry('us')).to.equal('US');
    expect(resolveCountry('германия')).to.equal('DE');
    expect(resolveCountry(' France ')).to.equal('FR');
    expect(resolveCountry('EU')).to.equal(undefined);
  });

  it('sorts choices by the localized name', () => {
    const ru = countryChoices('ru');
    expect(ru[0].title.localeCompare(ru[1].title, 'ru')).to.be.lessThan(0);
    expect(ru.find((c) => c.value === 'DE')?.title).to.equal('Германия');
  });
});

describe('contact email domain', () => {
  it("flags a contact outside the enrolling user's domain, and nothing else", async () => {
    const { contactDomainMismatch } = await import('../../../domain/partners/partner-profile.js');
    expect(contactDomainMismatch('anna@contoso.com', 'boss@Contoso.com')).to.equal(undefined);
    expect(contactDomainMismatch('anna@contoso.com', 'anna.private@gmail.com')).to.deep.equal({
      contactDomain: 'gmail.com',
      yourDomain: 'contoso.com',
    });
    expect(contactDomainMismatch(undefined, 'a@b.com')).to.equal(undefined);
  });
});
