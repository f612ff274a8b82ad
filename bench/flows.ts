/**
 * `flows`: whole flows through the real HTTP server, the product modules, the delivery worker
 * and the fake Bot Connector, with the card submissions the e2e tests send: an enrollment (every
 * section, submit, the mailed code), a relationship request + Authorize, and an invitation +
 * Accept, for many users at once. Each flow is first run by a few users one after another (the
 * baseline: a step's cost on a quiet server), then by all of them concurrently.
 */
import { productModules } from '../app-modules.js';
import { Verbs } from '../cards/verbs.js';
import { codeIn, FAST_WORKER, startSmtpSink, type CaughtMail } from '../testkit/enrollment-app.js';
import { ANSWERS } from '../testkit/answers.js';
import { visible } from '../testkit/visible.js';
import { OPERATOR_ENV, type Persona } from '../testkit/personas.js';
import { startTestApp } from '../testkit/test-app.js';
import { benchPersona, quantile, round, type Bench, type BenchResult, type Figure } from './lib.js';
import { approvedPartner, databaseEnv, type ProductApp } from './world.js';

const SOLO = 5;
/** Teams gives up on an invoke after a few seconds; a second leaves room for the network. */
const INVOKE_P99_MS = 1000;
const GRANT = { roles: 'globalReader,userAdministrator', durationDays: '365', autoExtend: 'false' };

type Step = { readonly name: string; readonly invoke: boolean };
type Timings = Map<string, { invoke: boolean; ms: number[] }>;

class StepTimer {
  readonly timings: Timings = new Map();
  async time<T>(step: Step, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const out = await work();
    const entry = this.timings.get(step.name) ?? { invoke: step.invoke, ms: [] };
    entry.ms.push(performance.now() - t0);
    this.timings.set(step.name, entry);
    return out;
  }
}

/** What the bot showed in the person's chat during `work`, and the HTTP answer. */
async function inChat(app: ProductApp, who: Persona, work: () => Promise<{ body: unknown }>) {
  const conversation = app.teams.conversationId(who);
  const before = app.connector.shown(conversation).length;
  const res = await work();
  const out = app.connector.shown(conversation).slice(before);
  return { body: res.body, out, seen: out.map(visible).join('\n') };
}

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const refIn = (json: unknown, key: string) =>
  new RegExp(`"${key}":"([0-9a-f]{24})"`).exec(JSON.stringify(json))?.[1];

/** Enrollment, every step as the card sends it, until the partner is under review. */
async function enroll(
  app: ProductApp,
  mails: CaughtMail[],
  t: StepTimer,
  who: Persona,
  partnerId: string
) {
  await app.post(app.teams.install(who));
  await t.time({ name: 'enroll (command)', invoke: false }, () =>
    app.post(app.teams.message(who, 'enroll'))
  );
  for (const [section, inputs] of Object.entries(ANSWERS(who.email, partnerId, 'reseller'))) {
    const out = await t.time({ name: `section ${section} → next`, invoke: false }, () =>
      inChat(app, who, () =>
        app.post(
          app.teams.submit(who, {
            verb: Verbs.enrollmentSection,
            section,
            action: 'next',
            ...inputs,
          })
        )
      )
    );
    if (out.seen.includes('Please fix')) throw new Error(`section ${section}: ${out.seen}`);
  }
  await t.time({ name: 'submit', invoke: false }, () =>
    app.post(app.teams.submit(who, { verb: Verbs.enrollmentSubmit, action: 'submit' }))
  );
  const mail = await waitFor(() => mails.find((m) => m.to.includes(who.email)), 'the code mail');
  const verified = await t.time({ name: 'verify <code>', invoke: false }, () =>
    inChat(app, who, () => app.post(app.teams.message(who, `verify ${codeIn(mail)}`)))
  );
  const { partner } = await app.app.modules.enrollment.services.enrollment.status(who);
  if (partner?.status !== 'underReview')
    throw new Error(`${who.id} not under review (${partner?.status}): ${verified.seen}`);
}

interface Pair {
  readonly reseller: Persona;
  readonly provider: Persona;
  readonly customer: Persona;
  readonly providerRef: string;
}

async function seedPair(app: ProductApp, i: number, tag: string): Promise<Pair> {
  const reseller = benchPersona(i, `fl-reseller-${tag}`);
  const provider = benchPersona(i, `fl-provider-${tag}`);
  const customer = benchPersona(i, `fl-customer-${tag}`);
  for (const p of [reseller, provider, customer]) await app.post(app.teams.install(p));
  await approvedPartner(app, 'reseller', reseller);
  const providerPartner = await approvedPartner(app, 'provider', provider);
  return { reseller, provider, customer, providerRef: providerPartner.id };
}

/** Request (the directory, then the request card) and the provider's Authorize. */
async function requestAndAuthorize(app: ProductApp, t: StepTimer, p: Pair): Promise<string> {
  await t.time({ name: 'directory (command)', invoke: false }, () =>
    app.post(app.teams.message(p.reseller, 'directory'))
  );
  const asked = await t.time({ name: 'relationship.request', invoke: true }, () =>
    app.post(
      app.teams.cardAction(p.reseller, Verbs.relationshipRequest, {
        providerRef: p.providerRef,
        consent: 'true',
        ...GRANT,
      })
    )
  );
  const id = refIn(asked.body, 'relationshipRef');
  if (!id) throw new Error(`no relationship in: ${visible(asked.body).slice(0, 300)}`);
  const ok = await t.time({ name: 'relationship.authorize', invoke: true }, () =>
    app.post(app.teams.cardAction(p.provider, Verbs.relationshipAuthorize, { relationshipRef: id }))
  );
  if (!visible(ok.body).includes('Authorized by'))
    throw new Error(`Authorize answered: ${visible(ok.body).slice(0, 300)}`);
  return id;
}

/** The reseller invites a customer on the relationship; the customer opens the code and accepts. */
async function inviteAndAccept(app: ProductApp, t: StepTimer, p: Pair, relationshipRef: string) {
  const created = await t.time({ name: 'invitation.create', invoke: true }, () =>
    app.post(
      app.teams.cardAction(p.reseller, Verbs.invitationCreate, {
        relationshipRef,
        companyName: `Customer of ${p.reseller.name}`,
        adminEmail: p.customer.email,
        note: 'bench',
      })
    )
  );
  const code = /C[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/.exec(JSON.stringify(created.body))?.[0];
  if (!code) throw new Error(`no invitation code: ${visible(created.body).slice(0, 300)}`);
  const opened = await t.time({ name: 'accept <code> (command)', invoke: false }, () =>
    inChat(app, p.customer, () => app.post(app.teams.message(p.customer, `accept ${code}`)))
  );
  const invitationRef = refIn(opened.out, 'invitationRef');
  if (!invitationRef) throw new Error(`no invitation card: ${opened.seen.slice(0, 300)}`);
  const ok = await t.time({ name: 'invitation.accept', invoke: true }, () =>
    app.post(app.teams.cardAction(p.customer, Verbs.invitationAccept, { invitationRef }))
  );
  if (!visible(ok.body).includes('Accepted'))
    throw new Error(`Accept answered: ${visible(ok.body).slice(0, 300)}`);
}

interface FlowRun {
  readonly count: number;
  readonly seconds: number;
  readonly timings: Timings;
  readonly errors: string[];
}

/** Runs `flow(i)` for i < count, all at once (or one after another): wall time and step timings. */
async function runFlow(
  count: number,
  concurrent: boolean,
  flow: (t: StepTimer, i: number) => Promise<void>
): Promise<FlowRun> {
  const t = new StepTimer();
  const errors: string[] = [];
  const one = (i: number) =>
    flow(t, i).catch((err: unknown) => {
      errors.push(err instanceof Error ? err.message : String(err));
    });
  const t0 = performance.now();
  if (concurrent) await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  else for (let i = 0; i < count; i++) await one(i);
  return { count, seconds: (performance.now() - t0) / 1000, timings: t.timings, errors };
}

function flowFigures(flow: string, users: number, solo: FlowRun, crowd: FlowRun): Figure[] {
  const figures: Figure[] = [
    {
      name: `${flow}: total time, ${users} at once`,
      value: round(crowd.seconds, 2),
      unit: 's',
      baseline: {
        name: `one flow alone (mean of ${solo.count})`,
        value: round(solo.seconds / solo.count, 2),
        unit: 's',
      },
    },
    {
      name: `${flow}: failed flows`,
      value: crowd.errors.length + solo.errors.length,
      unit: 'flows',
      target: '0',
      met: crowd.errors.length + solo.errors.length === 0,
    },
  ];
  for (const [step, { invoke, ms }] of crowd.timings) {
    const alone = solo.timings.get(step)?.ms ?? [];
    figures.push(
      {
        name: `${flow}: ${step} p50`,
        value: round(quantile(ms, 0.5)),
        unit: 'ms',
        baseline: { name: 'p50 alone', value: round(quantile(alone, 0.5)), unit: 'ms' },
      },
      {
        name: `${flow}: ${step} p99`,
        value: round(quantile(ms, 0.99)),
        unit: 'ms',
        baseline: { name: 'p99 alone', value: round(quantile(alone, 0.99)), unit: 'ms' },
        ...(invoke
          ? { target: `< ${INVOKE_P99_MS} ms`, met: quantile(ms, 0.99) < INVOKE_P99_MS }
          : {}),
      }
    );
  }
  return figures;
}

export const flowsBench: Bench = {
  id: 'flows',
  title: 'Whole flows for many users at once: enrollment, request + Authorize, invitation + Accept',
  async run(options): Promise<BenchResult> {
    const users = options.users ?? 200;
    const solo = Math.min(SOLO, users);
    const log = options.log ?? (() => undefined);
    const smtp = await startSmtpSink();
    const app = await startTestApp(
      { ...OPERATOR_ENV, SMTP_URL: smtp.url, ...databaseEnv() },
      { modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }) }
    ).catch(async (err: unknown) => {
      await smtp.close();
      throw err;
    });
    const figures: Figure[] = [];
    const errors: string[] = [];
    try {
      // A warm-up flow (not counted): the first turns of a process compile and connect.
      await enroll(app, smtp.mails, new StepTimer(), benchPersona(0, 'fl-warm'), '2999999');

      const enrollee = (set: string) => (i: number) => benchPersona(i, `fl-enroll-${set}`);
      log(`flows: enrollment, ${solo} alone then ${users} at once`);
      const soloEnroll = await runFlow(solo, false, (t, i) =>
        enroll(app, smtp.mails, t, enrollee('solo')(i), `${3000000 + i}`)
      );
      const crowdEnroll = await runFlow(users, true, (t, i) =>
        enroll(app, smtp.mails, t, enrollee('crowd')(i), `${4000000 + i}`)
      );
      figures.push(...flowFigures('enrollment', users, soloEnroll, crowdEnroll));
      errors.push(...soloEnroll.errors, ...crowdEnroll.errors);

      log(`flows: seeding ${solo + users} reseller/provider pairs (not timed)`);
      const soloPairs: Pair[] = [];
      for (let i = 0; i < solo; i++) soloPairs.push(await seedPair(app, i, 'solo'));
      const pairs: Pair[] = [];
      for (let i = 0; i < users; i++) pairs.push(await seedPair(app, i, 'crowd'));

      log(`flows: request + Authorize, ${solo} alone then ${users} at once`);
      const soloRels: string[] = [];
      const rels: string[] = [];
      const soloAsk = await runFlow(solo, false, async (t, i) => {
        soloRels[i] = await requestAndAuthorize(app, t, soloPairs[i]);
      });
      const crowdAsk = await runFlow(users, true, async (t, i) => {
        rels[i] = await requestAndAuthorize(app, t, pairs[i]);
      });
      figures.push(...flowFigures('request + Authorize', users, soloAsk, crowdAsk));
      errors.push(...soloAsk.errors, ...crowdAsk.errors);

      log(`flows: invitation + Accept, ${solo} alone then ${users} at once`);
      const soloInvite = await runFlow(solo, false, (t, i) =>
        soloRels[i] ? inviteAndAccept(app, t, soloPairs[i], soloRels[i]) : Promise.resolve()
      );
      const crowdInvite = await runFlow(users, true, (t, i) =>
        rels[i] ? inviteAndAccept(app, t, pairs[i], rels[i]) : Promise.resolve()
      );
      figures.push(...flowFigures('invitation + Accept', users, soloInvite, crowdInvite));
      errors.push(...soloInvite.errors, ...crowdInvite.errors);
    } finally {
      await app.stop();
      await smtp.close();
    }
    const invokes = figures.filter((f) => f.target?.startsWith('<') && f.met === false);
    return {
      figures,
      notes: [
        `Each flow runs first for ${solo} users one after another (the baseline: the same step on a quiet server), ` +
          `then for ${users} users (pairs) at once, each user's steps in order, as a person clicks. ` +
          'Enrollment: `enroll`, the six sections (Action.Submit, the e2e tests’ answers), submit, and `verify <code>` with the code from the mail ' +
          '(a local SMTP sink), until the partner is under review. Request + Authorize: the reseller’s `directory`, the request card (Action.Execute), ' +
          'the provider admin’s Authorize. Invitation + Accept: the reseller’s invitation card, the customer’s `accept <code>`, Accept. ' +
          'Partners, installs and rosters are seeded before (not timed); the delivery worker runs (polling every 50 ms) and sends the notifications and card updates the flows cause, so it shares the CPU with the turns.',
        `Database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'the embedded database'}; no Bot Framework auth (as in the tests); the server, the database, the worker and the ${users} clients share this machine's cores.`,
        ...(invokes.length > 0
          ? [
              `Invokes over ${INVOKE_P99_MS} ms at p99: ${invokes.map((f) => `${f.name} ${f.value} ms`).join('; ')}. ` +
                `With ${users} invokes in flight on one Node process, a p99 is about the time to run the ${users} turns queued before it (see the total time); the p50 alone is one turn's cost.`,
            ]
          : []),
        ...(errors.length > 0 ? [`Failures (first 3): ${errors.slice(0, 3).join(' | ')}`] : []),
      ],
    };
  },
};
