import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { startProxiedDatabase, type DbProxy } from '../../helpers/db-proxy.js';
import type { Persona } from '../../helpers/personas.js';
import {
  cast,
  eventually,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import { secretsOf } from '../invitations/invitation-secrets.js';

const UNAVAILABLE = t('en', 'errors:unavailable');

/**
 * Which way each command is lost: by default the two ways alternate along the commands (one pass
 * per click, about a minute for both clicks); CUT_EVERY_MODE=1 cuts every command both ways.
 */
const MODE_PASSES: ReadonlyArray<ReadonlyArray<'reply' | 'request'>> = process.env.CUT_EVERY_MODE
  ? [['reply'], ['request']]
  : [['reply', 'request']];

/** The admin of the n-th provider of this file, in a tenant of its own. */
function providerAdmin(n: number): Persona {
  const id = `6${String(n).padStart(7, '0')}`;
  return {
    ...cast.provider,
    id: `user-cut-provider-${n}`,
    tenantId: `${id}-0000-4000-8000-000000000000`,
    aadObjectId: `${id}-0000-4000-8000-000000000001`,
    name: `Provider Admin ${n}`,
    email: `admin${n}@provider${n}.example`,
    upn: `admin${n}@provider${n}.example`,
  };
}

/**
 * An Authorize (and an Accept) click while the connection to MONGODB_URI is cut at its k-th database command
 * (the request lost on its way, or run with its reply lost), for every k the click and the
 * delivery of its notices send: the relationship changes once, the reseller is told once, every
 * copy of the card ends up saying so, after at most one more click by the provider.
 */
describe('a decision click with the database connection cut at any of its commands', function () {
  this.timeout(600_000);
  let db: Awaited<ReturnType<typeof startProxiedDatabase>>;
  let proxy: DbProxy;
  let w: RelationshipsWorld;
  let n = 0;

  before(async () => {
    db = await startProxiedDatabase();
    proxy = db.proxy;
    w = await startRelationshipsWorld(
      { MONGODB_URI: proxy.uri },
      // Items whose claim or "sent" record was lost come back when their lease runs out (60 s
      // in production): short here, so the suite sees the retry.
      {
        dbOptions: { serverSelectionTimeoutMS: 1000, minHeartbeatFrequencyMS: 50 },
        worker: { leaseMs: 2000 },
      }
    );
  });
  after(async () => {
    await w?.stop().catch(() => undefined);
    await db?.stop();
  });

  async function waitHealthy(): Promise<void> {
    await eventually(
      async () => (await fetch(`${w.app.url}/healthz`)).status === 200,
      '/healthz 200',
      15_000
    );
  }

  /** A new provider with its admin installed, asked by the reseller; returns the card to click. */
  async function pendingRequest() {
    const admin = providerAdmin(++n);
    const provider = await w.approvedPartner('provider', admin, {
      legalName: `Provider ${n}`,
      partnerId: String(7100000 + n),
    });
    await w.app.post(w.app.teams.install(admin));
    // As in Teams: the reseller clicks on the directory card's message, which the form replaces.
    await w.say(cast.reseller, 'directory');
    const resellerCard = String(w.posted(cast.reseller).at(-1)?.response?.id);
    const asked = await w.click(
      cast.reseller,
      Verbs.relationshipRequest,
      { providerRef: provider.id, consent: 'true', ...GRANT },
      resellerCard
    );
    expect(asked.seen).to.include(`Waiting for Provider ${n}`);
    expect(asked.status).to.equal(200);
    const stored = await w
      .collection('relationships')
      .findOne({ providerRef: provider.id, open: true });
    if (!stored) throw new Error(`no relationship: ${asked.seen}`);
    const cardId = await w.received(admin, 'Authorize');
    return { admin, provider, id: String(stored._id), cardId, resellerCard };
  }

  const noticesTo = (who: Persona, text: string, about: string) =>
    w.posted(who).filter((c) => {
      const body = JSON.stringify(c.body);
      return body.includes(text) && body.includes(about);
    });

  /** Waits until the outbox holds nothing about `ref` still to deliver. */
  const settled = (ref: string, at: string) =>
    eventually(
      async () =>
        (await w
          .collection('notifications')
          .countDocuments({ key: new RegExp(ref), state: { $in: ['due', 'leased'] } })) === 0,
      `the outbox settled after ${at}`,
      20_000
    );

  /** One decision click: how to set it up, make it, and check its lasting effects. */
  interface Scenario<P> {
    readonly name: string;
    prepare(): Promise<P>;
    click(p: P): Promise<{ status: number; seen: string }>;
    /** What the card says once the decision is taken (first time, or on a retry). */
    readonly taken: RegExp;
    /** Everything the decision owes, exactly once; `at` names the cut for messages. */
    check(p: P, at: string): Promise<void>;
  }

  /** A new provider with its admin installed, asked by the reseller: Authorize is theirs. */
  const authorize: Scenario<Awaited<ReturnType<typeof pendingRequest>>> = {
    name: 'an Authorize click',
    prepare: pendingRequest,
    click: (p) =>
      w.click(p.admin, Verbs.relationshipAuthorize, { relationshipRef: p.id }, p.cardId),
    taken: /Authorized by/,
    async check(p, at) {
      const stored = await w.collection('relationships').findOne({ _id: new ObjectId(p.id) });
      expect(
        stored?.history.map((e: { to: string }) => e.to),
        at
      ).to.deep.equal(['pending', 'active']);
      const name = p.provider.legalName;
      await eventually(
        () => noticesTo(cast.reseller, 'Relationship authorized', name).length > 0,
        `the notice after ${at}`,
        20_000
      );
      await eventually(
        () =>
          w
            .updated(cast.reseller)
            .some(
              (c) =>
                c.activityId === p.resellerCard && JSON.stringify(c.body).includes('Authorized by')
            ),
        `the reseller's card updated after ${at}`,
        20_000
      );
      await settled(p.id, at);
      expect(noticesTo(cast.reseller, 'Relationship authorized', name), at).to.have.length(1);
    },
  };

  /** A customer (a tenant of its own) invited by the reseller, code typed: Accept is theirs. */
  const accept: Scenario<{ customer: Persona; company: string; invitationRef: string }> = {
    name: 'an Accept click',
    async prepare() {
      const n = ++customers;
      const company = `Northwind ${n}`;
      const id = `7${String(n).padStart(7, '0')}`;
      const customer: Persona = {
        ...cast.customer,
        id: `user-cut-customer-${n}`,
        tenantId: `${id}-0000-4000-8000-000000000000`,
        aadObjectId: `${id}-0000-4000-8000-000000000001`,
      };
      const created = await w.click(cast.reseller, Verbs.invitationCreate, {
        relationshipRef: 'none',
        companyName: company,
      });
      const { code } = secretsOf(created.body);
      await w.app.post(w.app.teams.install(customer));
      const shown = await w.say(customer, `accept ${code}`);
      expect(shown.seen).to.include(company);
      const stored = await w.collection('invitations').findOne({ 'customer.companyName': company });
      return { customer, company, invitationRef: String(stored!._id) };
    },
    click: (p) => w.click(p.customer, Verbs.invitationAccept, { invitationRef: p.invitationRef }),
    taken: /You are its admin|already accepted|Done: you accepted/,
    async check(p, at) {
      const stored = await w
        .collection('invitations')
        .findOne({ _id: new ObjectId(p.invitationRef) });
      expect(
        stored?.history.map((e: { to: string }) => e.to),
        at
      ).to.deep.equal(['pending', 'accepted']);
      // The customer and its link are what the acceptance owes, like its notices: if the cut
      // interrupted them, the sweep makes them after the grace period (moved past above).
      const tenant = { tenantId: p.customer.tenantId };
      const customer = await eventually(
        async () => (await w.collection('customers').findOne(tenant)) ?? undefined,
        `the customer after ${at}`,
        20_000
      );
      await eventually(
        async () =>
          (await w
            .collection('customerLinks')
            .countDocuments({ customerRef: String(customer._id) })) === 1,
        `the customer's link after ${at}`,
        20_000
      );
      await eventually(
        () => noticesTo(cast.reseller, 'accepted the invitation', p.company).length > 0,
        `the notice after ${at}`,
        20_000
      );
      await settled(p.invitationRef, at);
      expect(noticesTo(cast.reseller, 'accepted the invitation', p.company), at).to.have.length(1);
      expect(await w.collection('customers').countDocuments(tenant), at).to.equal(1);
      expect(
        await w.collection('customerLinks').countDocuments({ customerRef: String(customer._id) }),
        at
      ).to.equal(1);
    },
  };
  let customers = 0;

  for (const scenario of [authorize, accept] as Scenario<unknown>[]) {
    for (const modes of MODE_PASSES) {
      it(`${scenario.name}: changes once and tells once, whichever command is cut (${modes.join(' / ')} lost)`, async () => {
        // A fault-free click first: the commands of the click and of delivering what it owes.
        const clean = await scenario.prepare();
        proxy.resetCount();
        expect((await scenario.click(clean)).seen).to.match(scenario.taken);
        await scenario.check(clean, 'no cut');
        const total = proxy.commands.length;
        const covered: string[] = [];
        for (let k = 1; k <= total; k++) {
          const p = await scenario.prepare();
          proxy.resetCount();
          const lose = modes[k % modes.length];
          const cut = proxy.cutAfter(k, lose);
          const first = await scenario.click(p);
          // The cut may land after the click: in the delivery of what it owes, or a poll.
          await cut;
          const at = `a cut at #${k}, ${lose} lost (${proxy.commands.slice(0, k).join(', ')})`;
          covered.push(proxy.commands[k - 1] ?? '?');
          await waitHealthy();
          expect(first.status, at).to.equal(200);
          expect(first.seen, at).not.to.include(t('en', 'errors:generic'));
          if (!scenario.taken.test(first.seen)) {
            expect(first.seen, at).to.include(UNAVAILABLE);
            // Clicked again, as the message asks.
            expect((await scenario.click(p)).seen, `retry after ${at}`).to.match(scenario.taken);
          }
          // Owed notices whose sending the cut interrupted are sent again by the sweep after
          // their grace (60 s of the world's clock, which stands still unless moved).
          w.advance(61_000);
          await scenario.check(p, at);
        }
        expect(covered).to.have.length(total);
        expect(total).to.be.greaterThan(5);
      });
    }
  }
});
