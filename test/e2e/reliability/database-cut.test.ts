import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { startProxiedDatabase, type DbProxy } from '../../helpers/db-proxy.js';
import { OPERATOR_ENV, personas, type Persona } from '../../helpers/personas.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { ANSWERS, visible } from '../security/security-world.js';

/** A reseller admin of its own tenant, the n-th of this file. */
function applicant(n: number): Persona {
  const tenantId = `5${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
  return {
    ...personas.reseller,
    id: `user-cut-${n}`,
    tenantId,
    aadObjectId: `5${String(n).padStart(7, '0')}-0000-4000-8000-000000000001`,
    email: `cut${n}@contoso-reseller.example`,
    upn: `cut${n}@contoso-reseller.example`,
  };
}

async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const until = Date.now() + 15_000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The network between the bot and its database breaks (MONGODB_URI through a proxy the test
 * controls): the socket refuses for a while, or a connection is cut after a command reached the
 * server but before its reply came back. People are told it is temporary, nothing acknowledged
 * is lost or half-written, and the bot recovers by itself once the database is reachable.
 */
describe('the database connection breaking, through the real server (MONGODB_URI via a proxy)', function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof startProxiedDatabase>>;
  let proxy: DbProxy;
  let app: TestApp;

  before(async () => {
    db = await startProxiedDatabase();
    proxy = db.proxy;
    app = await startTestApp(
      { ...OPERATOR_ENV, MONGODB_URI: proxy.uri },
      { dbOptions: { serverSelectionTimeoutMS: 1000, minHeartbeatFrequencyMS: 50 } }
    );
  });
  after(async () => {
    await app?.stop().catch(() => undefined);
    await db?.stop();
  });

  async function waitHealthy(): Promise<void> {
    await eventually(
      async () => ((await fetch(`${app.url}/healthz`)).status === 200 ? true : undefined),
      '/healthz 200'
    );
  }

  /** What the bot showed in `who`'s chat in answer to one request. */
  async function shownAfter(who: Persona, work: () => Promise<unknown>): Promise<string> {
    const conversation = app.teams.conversationId(who);
    const before = app.connector.shown(conversation).length;
    await work();
    return app.connector.shown(conversation).slice(before).map(visible).join('\n');
  }
  const say = (who: Persona, text: string) =>
    shownAfter(who, () => app.post(app.teams.message(who, text)));
  const click = (who: Persona, data: Record<string, unknown>) =>
    shownAfter(who, () => app.post(app.teams.submit(who, data)));
  const section = (who: Persona, name: string) => {
    const answers = ANSWERS(who.email, '1234567', 'reseller') as Record<string, object>;
    return { verb: Verbs.enrollmentSection, section: name, action: 'next', ...answers[name] };
  };

  it('says "temporarily unavailable" while the socket refuses, and recovers by itself when it accepts again', async () => {
    const who = applicant(0);
    await app.post(app.teams.install(who));
    const normal = await say(who, 'status');
    expect(normal).not.to.include(t('en', 'errors:unavailable'));

    await proxy.refuse();
    expect(await say(who, 'status')).to.include(t('en', 'errors:unavailable'));
    expect((await fetch(`${app.url}/healthz`)).status).to.equal(503);

    await proxy.accept();
    // No restart, no operator: the driver reconnects and the next message is answered as usual.
    await eventually(
      async () => ((await fetch(`${app.url}/healthz`)).status === 200 ? true : undefined),
      '/healthz 200'
    );
    const after = await say(who, 'status');
    expect(after).to.equal(normal);
  });

  for (const lose of ['reply', 'request'] as const) {
    it(`loses no enrollment step when the connection is cut at any one of its commands (${lose} lost)`, async () => {
      // A fault-free run of the same step: how many commands the bot sends for it, and what it shows.
      const base = lose === 'reply' ? 100 : 200;
      const clean = applicant(base);
      await app.post(app.teams.install(clean));
      await say(clean, 'enroll');
      await click(clean, section(clean, 'partnerType'));
      proxy.resetCount();
      const expected = await click(clean, section(clean, 'tenant'));
      const commands = [...proxy.commands];
      expect(expected).to.include(t('en', 'enrollment:sections.company'));
      expect(commands.length, commands.join(', ')).to.be.greaterThan(0);

      for (let k = 1; k <= commands.length; k++) {
        const at = `a cut at ${commands[k - 1]} (#${k} of ${commands.join(', ')})`;
        const who = applicant(base + k);
        await app.post(app.teams.install(who));
        await say(who, 'enroll');
        await click(who, section(who, 'partnerType'));

        const cut = proxy.cutAfter(k, lose);
        const during = await click(who, section(who, 'tenant'));
        await cut;
        await waitHealthy();
        // Told it is temporary, or the step went through; never the generic apology.
        expect(during, at).not.to.include(t('en', 'errors:generic'));
        const nextShown = during.includes(t('en', 'enrollment:sections.company'));
        if (!nextShown) expect(during, at).to.include(t('en', 'errors:unavailable'));
        // The user does what the chat invites: the same button again after "try again", or
        // the next section when it is on screen.
        if (!nextShown) {
          const retried = await click(who, section(who, 'tenant'));
          expect(retried, `retry after ${at}`).to.include(t('en', 'enrollment:sections.company'));
        }
        let out = '';
        for (const name of ['company', 'contact', 'support', 'terms']) {
          out = await click(who, section(who, name));
        }
        // Every answer is still there, the cut step's PartnerID included.
        expect(out, `review after ${at}: ${out.slice(0, 400)}`).to.include(
          'Review your application'
        );
        expect(out, at).to.include('1234567');
        expect(out, at).to.include('Hauptstrasse 1');
      }
    });
  }
});
