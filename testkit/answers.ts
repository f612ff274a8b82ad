import type { EnrollmentAnswers } from '../domain/partners/partner-profile.js';

/** A complete, valid application (a German reseller). */
export function validAnswers(): Record<keyof EnrollmentAnswers, unknown> {
  return {
    partnerType: 'reseller',
    tenantCountry: 'DE',
    partnerId: '1234567',
    locationCountry: 'DE',
    legalName: 'Contoso GmbH',
    addressLine1: 'Hauptstrasse 1',
    addressLine2: '',
    city: 'Berlin',
    region: '',
    postalCode: '10115',
    companyPhone: '+49 30 1234567',
    contactFirstName: 'Anna',
    contactLastName: 'Schmidt',
    contactEmail: 'anna@contoso.example',
    contactPhone: '+49 30 7654321',
    supportEmail: 'support@contoso.example',
    supportPhone: '+49 30 1111111',
    supportWebsite: 'https://support.contoso.example',
    acceptTerms: 'true',
  };
}

/** The enrollment form's answers, card by card, as a person submits them (`type` decides which). */
export const ANSWERS = (contactEmail: string, partnerId: string, type: 'reseller' | 'provider') =>
  ({
    partnerType: { partnerType: type },
    tenant: { tenantCountry: 'DE', partnerId, locationCountry: 'DE' },
    company: {
      legalName: `Contoso ${type}`,
      addressLine1: 'Hauptstrasse 1',
      city: 'Berlin',
      postalCode: '10115',
      companyPhone: '+49 30 1234567',
    },
    contact: {
      contactFirstName: 'Anna',
      contactLastName: 'Petrova',
      contactEmail,
      contactPhone: '+49 30 7654321',
    },
    support: {
      supportEmail: 'support@contoso.example',
      supportPhone: '+49 30 1111111',
      supportWebsite: 'https://support.contoso.example',
    },
    terms: { acceptTerms: 'true' },
  }) as const;
