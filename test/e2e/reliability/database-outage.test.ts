import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../../../logging/logger.js';
import { t } from '../../../i18n/i18n.js';
import { startTestApp } from '../../helpers/test-app.js';
import { personas } from '../../helpers/personas.js';

/**
 * The product as `npm start` builds it, on MONGODB_URI, when the database goes away: people are
 * told it is a temporary outage in their language (not a generic "something went wrong"), a
 * card button gets that answer on the card, and the health probe says 503.
 */
describe('a database outage, through the real server (MONGODB_URI)', function () {
  this.timeout(60_000);

  it('answers messages and card buttons with a localized "temporarily unavailable", /healthz 503, and recovers when it is back', async () => {
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-outage-'));
    let mongo = await startEmbeddedMongo({ dataDir: dbDir, logger: testLogger() });
    const app = await startTestApp(
      { MONGODB_URI: mongo.uri },
      { dbOptions: { serverSelectionTimeoutMS: 500, minHeartbeatFrequencyMS: 50 } }
    );
    try {
      const reseller = personas.reseller;
      expect((await app.post(app.teams.message(reseller, 'status'))).status).to.equal(200);
      const first = await app.connector.waitForActivity();
      expect(first.text ?? '').not.to.equal(t('en', 'errors:unavailable'));
      app.connector.reset();

      await mongo.stop();

      expect((await app.post(app.teams.message(reseller, 'status'))).status).to.equal(200);
      const en = await app.connector.waitForActivity();
      expect(en.text).to.equal(t('en', 'errors:unavailable'));
      expect(en.text).not.to.equal(t('en', 'errors:generic'));
      app.connector.reset();

      await app.post(app.teams.message({ ...reseller, locale: 'ru-RU' }, 'status'));
      const ru = await app.connector.waitForActivity();
      expect(ru.text).to.equal(t('ru', 'errors:unavailable'));
      expect(ru.text).not.to.equal(t('en', 'errors:unavailable'));

      const clicked = await app.post(app.teams.cardAction(reseller, 'enrollment.status'));
      expect(clicked.status).to.equal(200);
      expect(clicked.body).to.deep.equal({
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: t('en', 'errors:unavailable'),
      });

      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).to.equal(503);

      // The database comes back on the same address: the bot recovers by itself, no restart.
      mongo = await startEmbeddedMongo({ dataDir: dbDir, port: mongo.port, logger: testLogger() });
      const until = Date.now() + 20_000;
      while ((await fetch(`${app.url}/healthz`)).status !== 200) {
        if (Date.now() > until) throw new Error('/healthz stayed 503 after the database came back');
        await new Promise((r) => setTimeout(r, 200));
      }
      app.connector.reset();
      await app.post(app.teams.message(reseller, 'status'));
      const back = await app.connector.waitForActivity();
      expect(JSON.stringify([back.text, back.attachments])).to.equal(
        JSON.stringify([first.text, first.attachments])
      );
    } finally {
      await app.stop().catch(() => undefined);
      await mongo.stop().catch(() => undefined);
      fs.rmSync(dbDir, { recursive: true, force: true });
    }
  });
});
