import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../../../logging/logger.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { echoBot } from './echo-bot.js';

async function health(app: TestApp) {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /healthz', function () {
  it('answers 200 {"status":"ok"} when the embedded database answers', async () => {
    const app = await startTestApp({}, { botFactory: echoBot().factory });
    try {
      expect(app.app.db.embedded).to.equal(true);
      expect(await health(app)).to.deep.equal({ status: 200, body: { status: 'ok' } });
    } finally {
      await app.stop();
    }
  });

  it('merges the fields of health contributors into the body', async () => {
    const app = await startTestApp(
      {},
      {
        botFactory: echoBot().factory,
        healthContributors: [async () => ({ outboxBacklog: 3 })],
        modules: () => ({
          metrics: { healthContributors: [async () => ({ oldestPendingSeconds: 12 })] },
        }),
      }
    );
    try {
      expect(await health(app)).to.deep.equal({
        status: 200,
        body: { status: 'ok', outboxBacklog: 3, oldestPendingSeconds: 12 },
      });
    } finally {
      await app.stop();
    }
  });

  it('answers 503 when a health contributor fails', async () => {
    const app = await startTestApp(
      {},
      {
        botFactory: echoBot().factory,
        healthContributors: [
          async () => {
            throw new Error('outbox unreadable');
          },
        ],
      }
    );
    try {
      expect(await health(app)).to.deep.equal({ status: 503, body: { status: 'unavailable' } });
    } finally {
      await app.stop();
    }
  });

  it('answers 503 {"status":"unavailable"} once the database under it is gone, quickly', async () => {
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-health-db-'));
    const mongo = await startEmbeddedMongo({ dataDir: dbDir, logger: testLogger() });
    const app = await startTestApp(
      { MONGODB_URI: mongo.uri },
      { botFactory: echoBot().factory, dbOptions: { serverSelectionTimeoutMS: 500 } }
    );
    try {
      expect(app.app.db.embedded).to.equal(false);
      expect((await health(app)).status).to.equal(200);

      await mongo.stop();
      const started = Date.now();
      expect(await health(app)).to.deep.equal({ status: 503, body: { status: 'unavailable' } });
      expect(Date.now() - started).to.be.below(5_000);
    } finally {
      await app.stop().catch(() => undefined);
      await mongo.stop().catch(() => undefined);
      fs.rmSync(dbDir, { recursive: true, force: true });
    }
  });
});
