import {
  productModules,
  type ProductModules,
  type ProductModulesOptions,
} from '../../../app-modules.js';
import type { Partner } from '../../../domain/partners/partner.js';
import type { Role } from '../../../domain/partners/roles.js';
import { days } from '../../../domain/relationships/access-grant.js';
import { eventually, FAST_WORKER, startSmtpSink } from '../enrollment/enrollment-e2e-world.js';
import { validAnswers } from '../../domain/enrollment/enrollment-world.js';
import type { ConnectorCall } from '../../helpers/fake-connector.js';
import { personas, type Persona } from '../../helpers/personas.js';
import { teamsMember } from '../../helpers/teams-activity.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../../helpers/test-app.js';
import { visible } from '../security/security-world.js';
import { systemClock } from '../../../notifications/clock.js';

export { eventually, visible, days };

/** Another person of a persona's tenant (a second admin, a sales agent). */
export function colleague(of: Persona, n: number, givenName: string): Persona {
  const aadObjectId = `${of.aadObjectId.slice(0, 24)}${String(100 + n).padStart(12, '0')}`;
  return {
    ...of,
    id: `${of.id}-${n}`,
    aadObjectId,
    name: `${givenName} ${of.surname}`,
    givenName,
    email: `${givenName.toLowerCase()}@${of.email.split('@')[1]}`,
    upn: `${givenName.toLowerCase()}@${of.email.split('@')[1]}`,
  };
}

export const cast = {
  reseller: personas.reseller,
  resellerSales: colleague(personas.reseller, 1, 'Sergei'),
  provider: personas.provider,
  providerAgent: colleague(personas.provider, 2, 'Olga'),
  customer: personas.customer,
};

/** The request form's inputs as Teams submits them: Global Reader for a year, no auto-extend. */
export const GRANT = { roles: 'globalReader', durationDays: '365', autoExtend: 'false' };

export type RelationshipsWorld = Awaited<ReturnType<typeof startRelationshipsWorld>>;

/**
 * The data of a card's button (an Action.Execute whose title includes `title`), as Teams sends
 * it back when the button is clicked: a confirmation's second click carries what the first showed.
 */
export function actionData(card: unknown, title: string): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && String(o.title ?? '').includes(title)) {
        found.push((o.data ?? {}) as Record<string, unknown>);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (found.length !== 1) throw new Error(`${found.length} buttons titled "${title}"`);
  return found[0]!;
}

/**
 * The real app (product modules, fast outbox worker) with a clock the test moves, an approved
 * reseller (Germany) and an approved provider (Germany) in their own tenants, each person
 * installed so proactive cards reach them; the customer tenant has no partner.
 */
export async function startRelationshipsWorld(
  env: Record<string, string> = {},
  options: Pick<TestAppOptions, 'dbOptions' | 'auth'> & {
    worker?: { leaseMs?: number };
    /** The bulk jobs' driver (short leases for a restart test). */
    bulk?: ProductModulesOptions['bulk'];
    /** People the Teams roster knows (name, email, UPN) from the start; by default nobody. */
    roster?: Persona[];
  } = {}
) {
  const smtp = await startSmtpSink();
  let now = new Date('2026-12-01T09:00:00Z');
  let app: TestApp<ProductModules>;
  try {
    app = await startTestApp(
      { SMTP_URL: smtp.url, ...env },
      {
        // The calendar stands still unless a test moves it; delivery (leases, retries, pacing,
        // sweeps) keeps running on wall-clock time, as it did before the app had one clock.
        modules: (ctx) =>
          productModules(
            { ...ctx, clock: systemClock },
            {
              worker: { ...FAST_WORKER, ...options.worker },
              ...(options.bulk ? { bulk: options.bulk } : {}),
            }
          ),
        clock: () => now,
        dbOptions: options.dbOptions,
        ...(options.auth ? { auth: true } : {}),
      }
    );
  } catch (err) {
    await smtp.close();
    throw err;
  }
  const { partners, memberships } = app.app.modules.partners;
  let n = 0;
  async function approvedPartner(
    type: 'reseller' | 'provider',
    admin: Persona,
    over: Partial<Partner> = {}
  ): Promise<Partner> {
    n++;
    const partner = await partners.create({
      ...(validAnswers() as unknown as Partner),
      partnerType: type,
      partnerId: `${(type === 'provider' ? 7000000 : 1000000) + n}`,
      legalName: type === 'provider' ? 'Fabrikam Distribution' : 'Contoso Reseller',
      tenantId: admin.tenantId,
      tenantCountry: 'DE',
      status: 'approved',
      submittedBy: { tenantId: admin.tenantId, aadObjectId: admin.aadObjectId, name: admin.name },
      submittedAt: now,
      ...over,
    } as never);
    await memberships.addEnroller(partner, admin);
    return partner;
  }
  const reseller = await approvedPartner('reseller', cast.reseller);
  const provider = await approvedPartner('provider', cast.provider);
  const setRoles = (admin: Persona, who: Persona, roles: Role[]) =>
    memberships.setRoles(admin, who.aadObjectId, roles);
  if (options.roster) app.connector.addMembers(...options.roster.map(teamsMember));
  // Users known to the tenant (a roster entry) before a role is given: as installing does.
  for (const p of Object.values(cast)) await app.post(app.teams.install(p));
  await setRoles(cast.provider, cast.providerAgent, ['adminAgent']);
  await setRoles(cast.reseller, cast.resellerSales, ['salesAgent']);

  const conversation = (who: Persona) => app.teams.conversationId(who);
  /** Cards and texts the bot posted (proactively or as replies) into a person's chat. */
  const posted = (who: Persona): ConnectorCall[] =>
    app.connector.calls.filter(
      (c) => c.method === 'POST' && c.conversationId === conversation(who) && c.status < 300
    );
  const updated = (who: Persona): ConnectorCall[] =>
    app.connector.calls.filter(
      (c) => c.method === 'PUT' && c.conversationId === conversation(who) && c.status < 300
    );
  return {
    app,
    smtp,
    reseller,
    provider,
    approvedPartner,
    setRoles,
    get service() {
      return app.app.modules.relationships.service;
    },
    collection: (name: string) => app.app.db.connection.collection(name),
    /** Mails caught by the SMTP sink to an address, decoded from quoted-printable. */
    mailsTo: (address: string) =>
      smtp.mails
        .filter((m) => m.to.includes(address))
        .map((m) =>
          m.data
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
        ),
    now: () => now,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    advanceDays: (d: number) => (now = new Date(now.getTime() + days(d))),
    posted,
    updated,
    /**
     * Waits until the clicks' owed work is done (their notices queued) and the outbox has
     * nothing due or in flight: every notice owed so far is out.
     */
    async drained(timeoutMs = 8000): Promise<void> {
      const notifications = app.app.modules.notifications.service;
      await app.app.owedWork.idle();
      await eventually(
        async () => {
          const { counts } = await notifications.summary(0);
          return !counts.due && !counts.leased;
        },
        'the outbox to drain',
        timeoutMs
      );
    },
    /** Waits for a card or text in a person's chat that reads `text`; returns its activity id. */
    async received(who: Persona, text: string | RegExp, timeoutMs = 8000): Promise<string> {
      const call = await eventually(
        () =>
          posted(who).find((c) => {
            const seen = visible(c.body);
            return typeof text === 'string' ? seen.includes(text) : text.test(seen);
          }),
        `"${String(text)}" in ${who.name}'s chat`,
        timeoutMs
      );
      return String(call.response?.id ?? '');
    },
    /** Waits until a card update in a person's chat reads `text`. */
    async updatedTo(who: Persona, text: string, timeoutMs = 8000): Promise<ConnectorCall> {
      return eventually(
        () => updated(who).find((c) => visible(c.body).includes(text)),
        `an update reading "${text}" in ${who.name}'s chat`,
        timeoutMs
      );
    },
    say: async (who: Persona, text: string) => {
      const before = app.connector.shown(conversation(who)).length;
      await app.post(app.teams.message(who, text));
      const out = app.connector.shown(conversation(who)).slice(before);
      return { out, seen: out.map(visible).join('\n') };
    },
    /** An Action.Execute click on a card (with the card's message id, as Teams sends it). */
    async click(who: Persona, verb: string, data: Record<string, unknown>, replyToId?: string) {
      const res = await app.post(
        app.teams.cardAction(who, verb, data, replyToId ? { replyToId } : {})
      );
      return { status: res.status, body: res.body as any, seen: visible(res.body) };
    },
    async stop() {
      await app.stop();
      await smtp.close();
    },
  };
}
