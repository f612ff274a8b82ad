import { expect } from 'chai';
import { startTestApp } from '../../helpers/test-app.js';
import type { TeamsPersona } from '../../helpers/teams-activity.js';
import { echoBot } from './echo-bot.js';

const adele: TeamsPersona = {
  tenantId: '33333333-3333-3333-3333-333333333333',
  aadObjectId: '33333333-0000-0000-0000-000000000001',
  name: 'Adele Vance',
  email: 'adele@customer.example',
  locale: 'en-US',
};

describe('graceful shutdown', function () {
  it('finishes a turn in flight when stop() is called, then refuses work and closes the database', async () => {
    const echo = echoBot();
    const app = await startTestApp({}, { botFactory: echo.factory });
    try {
      const inFlight = app.post(app.teams.message(adele, 'slow'));
      await echo.slowStarted;

      let stopped = false;
      const stopping = app.app.stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(stopped, 'stop() waits for the turn in flight').to.equal(false);

      // New work is no longer accepted while draining.
      const late = await fetch(`${app.url}/healthz`).then(
        (r) => r.status,
        () => 'refused'
      );
      expect(late).to.be.oneOf([503, 'refused']);

      echo.release();
      const res = await inFlight;
      expect(res.status).to.equal(200);
      expect(app.connector.texts()).to.deep.equal(['echo: slow']);
      await stopping;

      let pingError: unknown;
      await app.app.db.ping().catch((err: unknown) => (pingError = err));
      expect(pingError, 'the database is closed').to.be.instanceOf(Error);
      const after = await fetch(`${app.url}/healthz`).then(
        (r) => r.status,
        () => 'refused'
      );
      expect(after).to.equal('refused');
    } finally {
      echo.release();
      await app.stop();
    }
  });

  it('gives up on a stuck turn after the shutdown timeout', async () => {
    const echo = echoBot();
    const app = await startTestApp({}, { botFactory: echo.factory, shutdownTimeoutMs: 300 });
    try {
      const inFlight = app.post(app.teams.message(adele, 'slow')).catch(() => null);
      await echo.slowStarted;
      const started = Date.now();
      await app.app.stop();
      expect(Date.now() - started).to.be.below(3_000);
      echo.release();
      await inFlight;
    } finally {
      echo.release();
      await app.stop();
    }
  });

  it('starts modules after the server listens and stops them before the database closes', async () => {
    const events: string[] = [];
    const app = await startTestApp(
      {},
      {
        botFactory: echoBot().factory,
        modules: ({ db }) => ({
          probe: {
            async start() {
              events.push('start');
            },
            async stop() {
              await db.ping();
              events.push('stop with the database still open');
            },
          },
        }),
      }
    );
    expect(events).to.deep.equal(['start']);
    expect((await fetch(`${app.url}/healthz`)).status).to.equal(200);
    await app.stop();
    expect(events).to.deep.equal(['start', 'stop with the database still open']);
  });
});
