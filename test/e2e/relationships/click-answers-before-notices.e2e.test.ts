import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { productModules, type ProductModules } from '../../../app-modules.js';
import { NOTICE_GRACE_MS } from '../../../domain/notices/owed-notices.js';
import { systemClock } from '../../../notifications/clock.js';
import { FAST_WORKER } from '../../../testkit/enrollment-app.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import type { Persona } from '../../helpers/personas.js';
import {
  cast,
  eventually,
  GRANT,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from './relationships-world.js';

const TOLD = 'Relationship authorized';

/** The reseller asks; returns the relationship's id and the provider's card id. */
async function asked(w: RelationshipsWorld): Promise<{ id: string; cardId: string }> {
  await w.say(cast.reseller, 'directory');
  await w.click(cast.reseller, Verbs.relationshipRequest, {
    providerRef: w.provider.id,
    consent: 'true',
    ...GRANT,
  });
  const cardId = await w.received(cast.provider, 'Authorize');
  await w.drained();
  const id = String((await w.collection('relationships').findOne({}))!._id);
  return { id, cardId };
}

/** Messages (not updates) in a person's chat, on any app that used this connector. */
function told(app: TestApp<ProductModules>, who: Persona): number {
  const conversationId = app.teams.conversationId(who);
  return app.connector.calls.filter(
    (c) =>
      c.method === 'POST' &&
      c.conversationId === conversationId &&
      c.status < 300 &&
      visible(c.body).includes(TOLD)
  ).length;
}

// The click does the clicker's work only: the conditional update with its history and the
// owed-notice stamp, and the clicker's card in the invoke response. Other copies and notices
// are owed work done right after (domain/notices/owed-work.ts), or by the sweep after a crash.
describe('a click answers before the work it owes others (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => w?.stop());

  it('answers Authorize with the updated card while the reseller is not yet told; then tells them once', async () => {
    const { id, cardId } = await asked(w);
    // Queued for anyone but the clicker (whose own card copy the click records).
    const forOthers = () =>
      w
        .collection('notifications')
        .countDocuments({ 'to.aadObjectId': { $ne: cast.provider.aadObjectId } });
    const queuedBefore = await forOthers();
    w.app.app.owedWork.pause();

    const ok = await w.click(
      cast.provider,
      Verbs.relationshipAuthorize,
      { relationshipRef: id },
      cardId
    );
    expect(ok.seen).to.include('Authorized by').and.include('Active');
    const stored = await w.collection('relationships').findOne({});
    expect(stored!.state).to.equal('active');
    expect(stored!.noticeOwedAt, 'owed until the work is done').to.be.instanceOf(Date);
    expect(await forOthers(), 'nothing queued for others during the click').to.equal(queuedBefore);

    w.app.app.owedWork.resume();
    await w.received(cast.reseller, TOLD);
    await w.drained();
    expect(told(w.app, cast.reseller), 'told once').to.equal(1);
    expect((await w.collection('relationships').findOne({}))!.noticeOwedAt).to.equal(undefined);
  });

  it('leaves the work owed when the process stops before it; the sweep of the next process does it once', async () => {
    const { id, cardId } = await asked(w);
    w.app.app.owedWork.pause();
    const ok = await w.click(
      cast.provider,
      Verbs.relationshipAuthorize,
      { relationshipRef: id },
      cardId
    );
    expect(ok.seen).to.include('Authorized by');
    // The process goes away with the work still to do (the app alone: the data dir stays).
    await w.app.app.stop();
    expect(told(w.app, cast.reseller)).to.equal(0);

    // The next process, once the grace period has passed, on the same database and connector.
    const later = new Date(w.now().getTime() + NOTICE_GRACE_MS + 1000);
    const next = await startTestApp<ProductModules>(
      {},
      {
        dataDir: w.app.dataDir,
        connector: w.app.connector,
        modules: (ctx) => productModules({ ...ctx, clock: systemClock }, { worker: FAST_WORKER }),
        clock: () => later,
      }
    );
    const relationships = next.app.db.connection.collection('relationships');
    try {
      // Read before the first sweep (every 200 ms here) could have run: the stop left it owed.
      const owed = await relationships.findOne({});
      expect(told(next, cast.reseller) > 0 || owed!.noticeOwedAt instanceof Date).to.equal(true);
      await eventually(() => told(next, cast.reseller) > 0 || undefined, 'the reseller told');
      // Cleared conditionally once sent: no later sweep of any process sends it again.
      await eventually(
        async () => (await relationships.findOne({}))?.noticeOwedAt === undefined || undefined,
        'the stamp cleared'
      );
      await next.app.owedWork.idle();
      expect(told(next, cast.reseller), 'told once').to.equal(1);
    } finally {
      await next.stop();
    }
  });
});
