import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { productModules, type ProductModules } from '../../../app-modules.js';
import { Verbs } from '../../../cards/verbs.js';
import { testLogger } from '../../../logging/logger.js';
import { postActivity } from '../../helpers/teams-activity.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { FAST_WORKER } from '../enrollment/enrollment-e2e-world.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

/**
 * Two bot processes on the embedded database's own process, as `npm start` runs them without
 * MONGODB_URI (server/): the same Action.Execute invoke reaching both (the supervisor hands
 * consecutive connections to different processes) must act once, as on one MongoDB.
 */
describe('a replayed card click across two bot processes on the embedded database process', function () {
  this.timeout(60_000);
  let dbDir: string;
  let mongo: EmbeddedMongo;
  let w: RelationshipsWorld;
  let other: TestApp<ProductModules>;

  before(async () => {
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-replay-db-process-'));
    // As server/database-process.ts starts it: on its Unix socket.
    mongo = await startEmbeddedMongo({ dataDir: dbDir, logger: testLogger() });
    const embeddedUri = mongo.localUri ?? mongo.uri;
    w = await startRelationshipsWorld({}, { dbOptions: { embeddedUri } });
    other = await startTestApp(
      {},
      {
        modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }),
        connector: w.app.connector,
        dbOptions: { embeddedUri },
      }
    );
  });
  after(async () => {
    await other?.stop().catch(() => undefined);
    await w?.stop().catch(() => undefined);
    await mongo?.stop().catch(() => undefined);
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  it('creates one invitation for the same invoke posted to both, and both answer alike', async () => {
    const invoke = w.app.teams.cardAction(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Replayed Traders',
    });
    const first = await postActivity(w.app.url, invoke);
    const second = await postActivity(other.url, invoke);
    expect(first.status).to.equal(200);
    expect(second.status).to.equal(200);
    expect(
      await w
        .collection('invitations')
        .countDocuments({ 'customer.companyName': 'Replayed Traders' })
    ).to.equal(1);
    expect(second.body).to.deep.equal(first.body);
  });

  it('keeps the shared answer for its 15 minutes by the database’s clock, whatever the app’s calendar says', async () => {
    const invoke = w.app.teams.cardAction(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Calendar Traders',
    });
    expect((await postActivity(w.app.url, invoke)).status).to.equal(200);
    // The world's calendar stands in the past; the TTL monitor expires by the wall clock, and
    // an entry stamped with the calendar was gone within a second, before the replay came.
    const entries = await w.collection('invokeAnswers').find({}).toArray();
    expect(entries).to.have.length.greaterThan(0);
    for (const e of entries) {
      expect(Math.abs((e.at as Date).getTime() - Date.now())).to.be.below(60_000);
    }
  });
});
