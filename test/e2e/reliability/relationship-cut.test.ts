import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { testLogger } from '../../../logging/logger.js';
import { DbProxy } from '../../helpers/db-proxy.js';
import type { Persona } from '../../helpers/personas.js';
import {
  cast,
  eventually,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

const GRANT = { roles: 'globalReader', durationDays: '365', autoExtend: 'false' };
const UNAVAILABLE = t('en', 'errors:unavailable');

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
 * An Authorize click while the connection to MONGODB_URI is cut at its k-th database command
 * (the request lost on its way, or run with its reply lost), for every k the click and the
 * delivery of its notices send: the relationship changes once, the reseller is told once, every
 * copy of the card ends up saying so, after at most one more click by the provider.
 */
describe('an Authorize click with the database connection cut at any of its commands', function () {
  this.timeout(600_000);
  let dbDir: string;
  let mongo: EmbeddedMongo;
  let proxy: DbProxy;
  let w: RelationshipsWorld;
  let n = 0;

  before(async () => {
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-rel-cut-'));
    mongo = await startEmbeddedMongo({ dataDir: dbDir, logger: testLogger(), localSocket: false });
    proxy = await DbProxy.start(mongo.uri);
    w = await startRelationshipsWorld(
      { MONGODB_URI: proxy.uri },
      // Items whose claim or "sent" record was lost come back when their lease runs out (60 s
      // in production): short here, so the suite sees the retry.
      { dbOptions: { serverSelectionTimeoutMS: 1000 }, worker: { leaseMs: 2000 } }
    );
  });
  after(async () => {
    await w?.stop().catch(() => undefined);
    await proxy?.close();
    await mongo?.stop().catch(() => undefined);
    fs.rmSync(dbDir, { recursive: true, force: true });
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

  const authorizedNotices = (providerName: string) =>
    w
      .posted(cast.reseller)
      .filter(
        (c) =>
          JSON.stringify(c.body).includes('Relationship authorized') &&
          JSON.stringify(c.body).includes(providerName)
      );

  for (const lose of ['reply', 'request'] as const) {
    it(`changes once and tells once, whichever command is cut (${lose} lost)`, async () => {
      // A fault-free click first: the commands of the click and of delivering what it owes.
      const clean = await pendingRequest();
      proxy.resetCount();
      const ok = await w.click(
        clean.admin,
        Verbs.relationshipAuthorize,
        { relationshipRef: clean.id },
        clean.cardId
      );
      expect(ok.seen).to.include('Authorized by');
      await eventually(() => authorizedNotices(`Provider ${n}`).length > 0, 'the clean notice');
      await eventually(
        () => w.updated(cast.reseller).some((c) => c.activityId === clean.resellerCard),
        "the clean run's card update"
      );
      const total = proxy.commands.length;
      const covered: string[] = [];
      for (let k = 1; k <= total; k++) {
        const { admin, id, cardId, resellerCard } = await pendingRequest();
        const name = `Provider ${n}`;
        proxy.resetCount();
        const cut = proxy.cutAfter(k, lose);
        const first = await w.click(
          admin,
          Verbs.relationshipAuthorize,
          { relationshipRef: id },
          cardId
        );
        // The cut may land after the click, in the delivery of its notices or the worker's polls.
        await cut;
        const at = `a cut at #${k} (${proxy.commands.slice(0, k).join(', ')})`;
        covered.push(proxy.commands[k - 1] ?? '?');
        await waitHealthy();
        expect(first.status, at).to.equal(200);
        expect(first.seen, at).not.to.include(t('en', 'errors:generic'));
        if (!first.seen.includes('Authorized by')) {
          expect(first.seen, at).to.include(UNAVAILABLE);
          // The provider clicks again, as the message asks.
          const again = await w.click(
            admin,
            Verbs.relationshipAuthorize,
            { relationshipRef: id },
            cardId
          );
          expect(again.seen, `retry after ${at}`).to.match(/Authorized by/);
        }
        const stored = await w.collection('relationships').findOne({ _id: new ObjectId(id) });
        expect(
          stored?.history.map((e: { to: string }) => e.to),
          at
        ).to.deep.equal(['pending', 'active']);
        // A notice claimed by the command whose reply was lost stays leased to this worker until
        // its lease (60 s) runs out; the world's clock stands still unless moved.
        w.advance(61_000);
        // The reseller hears of it exactly once, and its copy of the card says so.
        await eventually(
          () => authorizedNotices(name).length > 0,
          `the notice after ${at}`,
          20_000
        );
        await eventually(
          () =>
            w
              .updated(cast.reseller)
              .some(
                (c) =>
                  c.activityId === resellerCard && JSON.stringify(c.body).includes('Authorized by')
              ),
          `the reseller's card updated after ${at}`,
          20_000
        );
        // Nothing of it left to deliver (a lost "sent" record would bring an item back once its
        // lease ran out, and send it again): only then count.
        await eventually(
          async () =>
            (await w
              .collection('notifications')
              .countDocuments({ key: new RegExp(id), state: { $in: ['due', 'leased'] } })) === 0,
          `the outbox settled after ${at}`,
          20_000
        );
        expect(authorizedNotices(name), `notices after ${at}`).to.have.length(1);
      }
      expect(covered).to.have.length(total);
      expect(total).to.be.greaterThan(10);
    });
  }
});
