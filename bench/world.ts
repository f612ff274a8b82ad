/**
 * The product as `npm start` builds it (real server, embedded database or MONGODB_URI, fake
 * Bot Connector), plus what the benches seed: approved partners and pending relationships.
 */
import { productModules, type ProductModules, type ProductModulesOptions } from '../app-modules.js';
import type { Partner } from '../domain/partners/partner.js';
import type { Persona } from '../testkit/personas.js';
import { startTestApp, type TestApp } from '../testkit/test-app.js';
import { validAnswers } from '../testkit/answers.js';
import { benchPersona, load } from './lib.js';

/** A grant as the service takes it (the card's strings are parsed before it). */
export const GRANT = {
  roles: ['globalReader', 'userAdministrator'],
  durationDays: 365,
  autoExtend: false,
};

export type ProductApp = TestApp<ProductModules>;

/** MONGODB_URI from the environment when set (the bench then runs against that server). */
export function databaseEnv(): Record<string, string> {
  return process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {};
}

export async function startProduct(
  worker?: ProductModulesOptions['worker'],
  opts: {
    monitorCommands?: boolean;
    /** The embedded database's own process (server/database-process.ts), as `npm start` runs it. */
    embeddedUri?: string;
  } = {}
): Promise<ProductApp> {
  return startTestApp(databaseEnv(), {
    modules: (ctx) => productModules(ctx, worker ? { worker } : {}),
    dbOptions: {
      ...(opts.monitorCommands ? { monitorCommands: true } : {}),
      ...(opts.embeddedUri ? { embeddedUri: opts.embeddedUri } : {}),
    },
  });
}

let partnerSeq = 0;

/** An approved partner whose admin (enroller) is `admin`, as the relationships e2e world seeds. */
export async function approvedPartner(
  app: ProductApp,
  type: 'reseller' | 'provider',
  admin: Persona
): Promise<Partner> {
  const { partners, memberships } = app.app.modules.partners;
  partnerSeq++;
  const partner = await partners.create({
    ...(validAnswers() as unknown as Partner),
    partnerType: type,
    partnerId: `${(type === 'provider' ? 7000000 : 1000000) + (partnerSeq % 999999)}`,
    legalName: `${admin.organization}`,
    tenantId: admin.tenantId,
    tenantCountry: 'DE',
    status: 'approved',
    submittedBy: { tenantId: admin.tenantId, aadObjectId: admin.aadObjectId, name: admin.name },
    submittedAt: new Date(),
  } as never);
  await memberships.addEnroller(partner, admin);
  return partner;
}

/**
 * One approved provider, and `count` approved resellers (each its own tenant) that have each
 * asked it for a relationship: the pending relationships' ids, for the provider to authorize.
 */
export async function pendingRelationships(
  app: ProductApp,
  count: number,
  tag: string
): Promise<{ provider: Persona; ids: string[] }> {
  const provider = benchPersona(1, `provider-${tag}`);
  await app.post(app.teams.install(provider));
  const providerPartner = await approvedPartner(app, 'provider', provider);
  const ids: string[] = [];
  // A few at a time: seeding is not timed, and one after another it took a third of `turn`.
  let failure: unknown;
  await load(count, 8, async (i) => {
    try {
      const reseller = benchPersona(i, `reseller-${tag}`);
      await approvedPartner(app, 'reseller', reseller);
      const rel = await app.app.modules.relationships.service.request(
        reseller,
        providerPartner.id,
        GRANT,
        true
      );
      ids[i] = String(rel.id);
      return true;
    } catch (err) {
      // load() only counts a failure: keep the first one to throw it whole.
      failure ??= err;
      return false;
    }
  });
  if (failure) throw failure;
  return { provider, ids };
}
