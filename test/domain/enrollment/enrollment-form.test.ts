import { expect } from 'chai';
import {
  COUNTRIES,
  countryChoices,
  countryName,
  resolveCountry,
} from '../../../domain/enrollment/enrollment-countries.js';
import {
  FIELD_IDS,
  firstIncompleteSection,
  validateAnswers,
  validateField,
  validateSection,
} from '../../../domain/enrollment/enrollment-form.js';
import { validAnswers } from './enrollment-world.js';

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

  it('accepts 6 and 7 digit partner IDs and lenient phone formats', () => {
    expect(validateField('partnerId', ' 123456 ')).to.deep.equal({ ok: true, value: '123456' });
    expect(validateField('partnerId', '1234567').ok).to.equal(true);
    expect(validateField('contactPhone', '0049 (30) 123-45-67')).to.deep.equal({
      ok: true,
      value: '+49301234567',
    });
    expect(validateField('contactPhone', '8 495 123 45 67').ok).to.equal(true);
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
  it('ships all 249 ISO 3166-1 alpha-2 codes with English and Russian names', () => {
    expect(COUNTRIES).to.have.length(249);
    expect(new Set(COUNTRIES.map((c) => c.code)).size).to.equal(249);
    expect(
      COUNTRIES.every((c) => /^[A-Z]{2}$/.test(c.code) && c.en && c.ru && c.en !== c.code)
    ).to.equal(true);
    expect(countryName('DE', 'ru')).to.equal('Германия');
    expect(countryName('RU', 'en')).to.equal('Russia');
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
    const { contactDomainMismatch } = await import('../../../domain/enrollment/enrollment-form.js');
    expect(contactDomainMismatch('anna@contoso.com', 'boss@Contoso.com')).to.equal(undefined);
    expect(contactDomainMismatch('anna@contoso.com', 'anna.private@gmail.com')).to.deep.equal({
      contactDomain: 'gmail.com',
      yourDomain: 'contoso.com',
    });
    expect(contactDomainMismatch(undefined, 'a@b.com')).to.equal(undefined);
  });
});
