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
 * Two bot processes on one MongoDB (MONGODB_URI), as production scales: the same Action.Execute
 * invoke (Teams retrying, or a captured request replayed) reaching both must act once, and both
 * must answer what the first did.
 */
describe('a replayed card click across two bot processes on one MongoDB', function () {
  this.timeout(60_000);
  let dbDir: string;
  let mongo: EmbeddedMongo;
  let w: RelationshipsWorld;
  let other: TestApp<ProductModules>;

  before(async () => {
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-replay-'));
    mongo = await startEmbeddedMongo({
      dataDir: dbDir,
      logger: testLogger(),
      localSocket: false,
      port: 0,
    });
    w = await startRelationshipsWorld({ MONGODB_URI: mongo.uri });
    other = await startTestApp(
      { MONGODB_URI: mongo.uri },
      { modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }), connector: w.app.connector }
    );
  });
  after(async () => {
    await other?.stop().catch(() => undefined);
    await w?.stop().catch(() => undefined);
    await mongo?.stop().catch(() => undefined);
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  it('creates one invitation for the same invoke posted to both, and both show the same code', async () => {
    const invoke = w.app.teams.cardAction(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Replayed Traders',
    });
    const [first, second] = await Promise.all([
      postActivity(w.app.url, invoke),
      postActivity(other.url, invoke),
    ]);
    expect(first.status).to.equal(200);
    expect(second.status).to.equal(200);
    expect(
      await w
        .collection('invitations')
        .countDocuments({ 'customer.companyName': 'Replayed Traders' })
    ).to.equal(1);
    expect(second.body).to.deep.equal(first.body);
    // Later, one after the other: still the first answer, still one invitation.
    const third = await postActivity(other.url, invoke);
    expect(third.body).to.deep.equal(first.body);
    expect(
      await w
        .collection('invitations')
        .countDocuments({ 'customer.companyName': 'Replayed Traders' })
    ).to.equal(1);
  });

  it('still lets a new click (another activity id) create another invitation', async () => {
    const click = () =>
      w.app.teams.cardAction(cast.reseller, Verbs.invitationCreate, {
        relationshipRef: 'none',
        companyName: 'Twice Traders',
      });
    await postActivity(w.app.url, click());
    await postActivity(other.url, click());
    expect(
      await w.collection('invitations').countDocuments({ 'customer.companyName': 'Twice Traders' })
    ).to.equal(2);
  });
});
