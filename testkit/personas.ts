import type { TeamsPersona } from './teams-activity.js';

/** A person in a tenant, as both the e2e activity builders and the Agents Playground need them. */
export interface Persona extends TeamsPersona {
  /** Playground user id (any stable string). */
  readonly id: string;
  readonly givenName: string;
  readonly surname: string;
  readonly upn: string;
  /** The organization, for readable test names and persona files. */
  readonly organization: string;
}

const TENANTS = {
  reseller: '11111111-1111-1111-1111-111111111111',
  provider: '22222222-2222-2222-2222-222222222222',
  customer: '33333333-3333-3333-3333-333333333333',
  operator: '99999999-9999-9999-9999-999999999999',
} as const;

function person(
  key: string,
  tenantId: string,
  n: number,
  givenName: string,
  surname: string,
  domain: string,
  organization: string
): Persona {
  const email = `${givenName.toLowerCase()}.${surname.toLowerCase()}@${domain}`;
  return {
    id: `user-${key}`,
    tenantId,
    aadObjectId: `${tenantId.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `${givenName} ${surname}`,
    givenName,
    surname,
    email,
    upn: email,
    locale: 'en-US',
    organization,
  };
}

/**
 * The cast of the e2e and Playground tests, each in their own tenant. The operator's
 * aadObjectId goes in OPERATOR_AAD_OBJECT_IDS (see `OPERATOR_ENV`).
 */
export const personas = {
  /** Global admin of an indirect reseller. */
  reseller: person(
    'reseller',
    TENANTS.reseller,
    1,
    'Anna',
    'Petrova',
    'contoso-reseller.example',
    'Contoso Reseller'
  ),
  /** A second user of the reseller (for role grants). */
  resellerAgent: person(
    'reseller-agent',
    TENANTS.reseller,
    2,
    'Megan',
    'Bowen',
    'contoso-reseller.example',
    'Contoso Reseller'
  ),
  /** Global admin of an indirect provider (distributor). */
  provider: person(
    'provider',
    TENANTS.provider,
    1,
    'Dmitry',
    'Sokolov',
    'fabrikam-dist.example',
    'Fabrikam Distribution'
  ),
  /** Global admin of a customer organization. */
  customer: person(
    'customer',
    TENANTS.customer,
    1,
    'Olga',
    'Ivanova',
    'northwind.example',
    'Northwind Traders'
  ),
  /** Program operator who reviews enrollments. */
  operator: person(
    'operator',
    TENANTS.operator,
    1,
    'Irina',
    'Volkova',
    'partner-program.example',
    'Partner Program'
  ),
} as const satisfies Record<string, Persona>;

export type PersonaKey = keyof typeof personas;

/** Environment that makes `personas.operator` a program operator. */
export const OPERATOR_ENV = { OPERATOR_AAD_OBJECT_IDS: personas.operator.aadObjectId } as const;

/** The same person with another Teams client locale (e.g. `withLocale(personas.customer, 'ru-RU')`). */
export function withLocale(p: Persona, locale: string): Persona {
  return { ...p, locale };
}
