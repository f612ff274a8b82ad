import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { productModules, type ProductModules } from '../../app-modules.js';
import { Verbs } from '../../cards/verbs.js';
import { t } from '../../i18n/i18n.js';
import { startProxiedDatabase, type DbProxy } from '../helpers/db-proxy.js';
import { OPERATOR_ENV, personas, type Persona } from '../helpers/personas.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  codeIn,
  eventually,
  FAST_WORKER,
  startSmtpSink,
} from '../e2e/enrollment/enrollment-e2e-world.js';
import { ANSWERS, visible } from '../e2e/security/security-world.js';

const UNAVAILABLE = t('en', 'errors:unavailable');
const NO_GLOBAL_ADMIN = t('en', 'enrollment:errors.noGlobalAdmin');
/** The roster write that Submit makes right after the partner's own insert. */
const ROSTER_INSERT = { command: 'insert', collection: 'memberships' } as const;

/**
 * Which way each command of Submit is lost: the two ways alternate along the commands (the cut
 * at the roster write has its own tests both ways); CUT_EVERY_MODE=1 cuts every command both ways.
 */
const MODE_PASSES: ReadonlyArray<ReadonlyArray<'reply' | 'request'>> = process.env.CUT_EVERY_MODE
  ? [['reply'], ['request']]
  : [['reply', 'request']];

/** The applicant of the n-th organization of this file, in a tenant of its own. */
function applicant(n: number): Persona {
  const id = `8${String(n).padStart(7, '0')}`;
  return {
    ...personas.reseller,
    id: `user-founder-${n}`,
    tenantId: `${id}-0000-4000-8000-000000000000`,
    aadObjectId: `${id}-0000-4000-8000-000000000001`,
    name: `Founder ${n}`,
    email: `founder${n}@reseller${n}.example`,
    upn: `founder${n}@reseller${n}.example`,
  };
}

/**
 * Creating a partner and its first Global admin is one step that survives a crash: the
 * partner's insert records its founder as owed work, which the applicant's next turn, the
 * verification, a decision and the sweep all complete. The crash is a cut of the connection to
 * MONGODB_URI (a proxy the test controls) at Submit's roster write, or at any of its commands:
 * the applicant still ends as the organization's one Global admin, and an application whose
 * organization has no Global admin never goes under review nor gets decided.
 */
describe('security: a crashed Submit never leaves an organization without a Global admin (real server, database cut)', function () {
  this.timeout(600_000);
  let db: Awaited<ReturnType<typeof startProxiedDatabase>>;
  let proxy: DbProxy;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let app: TestApp<ProductModules>;
  let n = 0;

  before(async () => {
    smtp = await startSmtpSink();
    db = await startProxiedDatabase();
    proxy = db.proxy;
    app = await startTestApp(
      { ...OPERATOR_ENV, SMTP_URL: smtp.url, MONGODB_URI: proxy.uri },
      {
        dbOptions: { serverSelectionTimeoutMS: 1000, minHeartbeatFrequencyMS: 50 },
        modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }),
      }
    );
    await app.post(app.teams.install(personas.operator));
  });
  after(async () => {
    await app?.stop().catch(() => undefined);
    await db?.stop();
    await smtp?.close();
  });

  const collection = (name: string) => app.app.db.connection.collection(name);

  async function waitHealthy(): Promise<void> {
    await eventually(
      async () => (await fetch(`${app.url}/healthz`)).status === 200,
      '/healthz 200',
      15_000
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
  const submit = (who: Persona) => click(who, { verb: Verbs.enrollmentSubmit, action: 'submit' });
  const codeMails = (who: Persona) => smtp.mails.filter((m) => m.to.includes(who.email));

  /** A new applicant with every section answered: the summary's Submit is next. */
  async function readyToSubmit(): Promise<Persona> {
    const who = applicant(++n);
    await app.post(app.teams.install(who));
    await say(who, 'enroll');
    const answers = ANSWERS(who.email, String(2100000 + n), 'reseller');
    for (const [section, inputs] of Object.entries(answers)) {
      const out = await click(who, {
        verb: Verbs.enrollmentSection,
        section,
        action: 'next',
        ...inputs,
      });
      if (out.includes('Please fix')) throw new Error(`section ${section} refused: ${out}`);
    }
    return who;
  }

  const partnerOf = (who: Persona) => collection('partners').findOne({ tenantId: who.tenantId });

  /** The roles of the partner's roster, member by member (none: no roster at all). */
  async function rosterOf(who: Persona): Promise<Record<string, string[]> | null> {
    const partner = await partnerOf(who);
    if (!partner) return null;
    const roster = await collection('memberships').findOne({ partnerRef: String(partner._id) });
    if (!roster) return null;
    return Object.fromEntries(
      (roster.members as { aadObjectId: string; roles: string[] }[]).map((m) => [
        m.aadObjectId,
        m.roles,
      ])
    );
  }

  /**
   * What the applicant does after Submit was cut: Submit again when told to try again, and,
   * with no code in their mailbox, a new one from the status card once its cooldown is over
   * (the throttle aged a minute and a half, as if they waited). Then they type the code.
   */
  async function verifyAfterCut(who: Persona, during: string, at: string): Promise<string> {
    if (codeMails(who).length === 0 && during.includes(UNAVAILABLE)) {
      const again = await submit(who);
      expect(again, `Submit again after ${at}`).not.to.include(t('en', 'errors:generic'));
    }
    if (codeMails(who).length === 0) {
      const partner = await partnerOf(who);
      expect(partner, `the application after ${at}`).to.not.equal(null);
      await collection('verificationThrottles').updateMany({ subjectId: String(partner!._id) }, [
        { $set: { sentAt: { $subtract: ['$sentAt', 90_000] } } },
      ]);
      const res = await app.post(app.teams.cardAction(who, Verbs.enrollmentResendCode, {}));
      expect(res.status, `resend after ${at}: ${visible(res.body)}`).to.equal(200);
    }
    const mail = await eventually(() => codeMails(who).at(-1), `the code mail after ${at}`);
    return say(who, `verify ${codeIn(mail)}`);
  }

  for (const lose of ['request', 'reply'] as const) {
    it(`makes the applicant its one Global admin when Submit is cut at its roster write (${lose} lost), once they verify`, async () => {
      const who = await readyToSubmit();
      const cut = proxy.cutAt(ROSTER_INSERT, lose);
      const during = await submit(who);
      await cut;
      await waitHealthy();
      const at = `a cut at the roster write (${lose} lost)`;
      expect(during, at).not.to.include(t('en', 'errors:generic'));
      expect((await partnerOf(who))?.status, at).to.equal('emailVerificationPending');

      const verified = await verifyAfterCut(who, during, at);
      expect(verified, at).to.include(t('en', 'enrollment:dialog.verified'));
      expect((await partnerOf(who))?.status, at).to.equal('underReview');
      expect(await rosterOf(who), at).to.deep.equal({
        [who.aadObjectId]: ['globalAdmin', 'adminAgent'],
      });
      // Nothing is left owed once the roster is there.
      expect((await partnerOf(who))?.owedFounder, at).to.equal(undefined);
    });
  }

  it('gives the organization its Global admin by the sweep when nobody comes back after the cut', async () => {
    const who = await readyToSubmit();
    const cut = proxy.cutAt(ROSTER_INSERT, 'request');
    await submit(who);
    await cut;
    await waitHealthy();
    const partner = await partnerOf(who);
    expect(partner?.owedFounder?.aadObjectId).to.equal(who.aadObjectId);
    expect(await rosterOf(who)).to.equal(null);
    // A minute and a half later (the stamp aged): the sweep, not a request, completes it.
    await collection('partners').updateOne({ _id: partner!._id }, [
      { $set: { 'owedFounder.since': { $subtract: ['$owedFounder.since', 90_000] } } },
    ]);
    const roster = await eventually(() => rosterOf(who), 'the roster made by the sweep', 15_000);
    expect(roster).to.deep.equal({ [who.aadObjectId]: ['globalAdmin', 'adminAgent'] });
    await eventually(
      async () => (await partnerOf(who))?.owedFounder === undefined,
      'the owed founder cleared'
    );
  });

  for (const modes of MODE_PASSES) {
    it(`ends with the applicant as the one Global admin whichever command of Submit is cut (${modes.join(' / ')} lost)`, async () => {
      // A fault-free Submit first: how many commands the connection carries meanwhile.
      const clean = await readyToSubmit();
      proxy.resetCount();
      const shown = await submit(clean);
      expect(shown).to.include(t('en', 'enrollment:dialog.submitted'));
      const total = proxy.commands.length;
      expect(total).to.be.greaterThan(5);
      for (let k = 1; k <= total; k++) {
        const who = await readyToSubmit();
        proxy.resetCount();
        const lose = modes[k % modes.length];
        const cut = proxy.cutAfter(k, lose);
        const during = await submit(who);
        await cut;
        const at = `a cut at #${k}, ${lose} lost (${proxy.commands.slice(0, k).join(', ')})`;
        await waitHealthy();
        expect(during, at).not.to.include(t('en', 'errors:generic'));
        const verified = await verifyAfterCut(who, during, at);
        expect(verified, `${at}: ${verified}`).to.include(t('en', 'enrollment:dialog.verified'));
        expect((await partnerOf(who))?.status, at).to.equal('underReview');
        expect(await rosterOf(who), at).to.deep.equal({
          [who.aadObjectId]: ['globalAdmin', 'adminAgent'],
        });
      }
    });
  }

  it('never puts an application under review, nor lets an operator decide it, while its organization has no Global admin', async () => {
    // A roster emptied behind the product's back (it never allows that itself): nobody to
    // manage the organization, and no founder owed either.
    const who = await readyToSubmit();
    await submit(who);
    const partner = await partnerOf(who);
    await collection('memberships').updateOne(
      { partnerRef: String(partner!._id) },
      { $set: { members: [] } }
    );
    const mail = await eventually(() => codeMails(who).at(-1), 'the code mail');
    const refused = await say(who, `verify ${codeIn(mail)}`);
    expect(refused).to.include(NO_GLOBAL_ADMIN);
    expect((await partnerOf(who))?.status).to.equal('emailVerificationPending');
    // The code was not spent on the refusal: once the roster is right, the same code works.
    await collection('memberships').updateOne(
      { partnerRef: String(partner!._id) },
      {
        $set: {
          members: [
            {
              aadObjectId: who.aadObjectId,
              roles: ['globalAdmin', 'adminAgent'],
              updatedAt: new Date(),
              updatedBy: who.aadObjectId,
            },
          ],
        },
      }
    );
    expect(await say(who, `verify ${codeIn(mail)}`)).to.include(
      t('en', 'enrollment:dialog.verified')
    );
    expect((await partnerOf(who))?.status).to.equal('underReview');

    // Under review, and then the roster loses its Global admin: Approve and Reject refuse.
    await collection('memberships').updateOne(
      { partnerRef: String(partner!._id) },
      { $set: { members: [] } }
    );
    const partnerRef = String(partner!._id);
    for (const verb of [Verbs.reviewApprove, Verbs.reviewReject]) {
      const res = await app.post(
        app.teams.cardAction(personas.operator, verb, {
          partnerRef,
          ...(verb === Verbs.reviewReject ? { reason: 'Wrong PartnerID' } : {}),
        })
      );
      expect(visible(res.body), verb).to.include(NO_GLOBAL_ADMIN);
      const stored = await collection('partners').findOne({ _id: new ObjectId(partnerRef) });
      expect(stored?.status, verb).to.equal('underReview');
      expect(stored?.decision, verb).to.equal(undefined);
    }
  });
});
