import mongoose from 'mongoose';
import { productModules, type ProductModules } from '../../../app-modules.js';
import { Verbs } from '../../../cards/verbs.js';
import type { Logger } from '../../../logging/logger.js';
import {
  codeIn,
  eventually,
  FAST_WORKER,
  startSmtpSink,
} from '../enrollment/enrollment-e2e-world.js';
import { OPERATOR_ENV, personas, type Persona } from '../../helpers/personas.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { ANSWERS } from '../../../testkit/answers.js';
import { visible } from '../../../testkit/visible.js';

export { ANSWERS, codeIn, eventually, visible };

/** A second program operator (listed with the first in OPERATOR_AAD_OBJECT_IDS). */
export const secondOperator: Persona = {
  ...personas.operator,
  id: 'user-operator-2',
  aadObjectId: '99999999-0000-4000-8000-000000000002',
  name: 'Oleg Second',
  givenName: 'Oleg',
  surname: 'Second',
  email: 'oleg.second@partner-program.example',
  upn: 'oleg.second@partner-program.example',
};

export const GENERIC_APOLOGY = 'Sorry, something went wrong on our side';

export type SecurityEnv = Awaited<ReturnType<typeof startSecurityApp>>;

/** The real app (notifications + enrollment, fast worker), an SMTP sink, two operators installed. */
export async function startSecurityApp(
  env: Record<string, string> = {},
  opts: { logger?: Logger; auth?: boolean } = {}
) {
  const smtp = await startSmtpSink();
  let app: TestApp<ProductModules>;
  try {
    app = await startTestApp(
      {
        ...OPERATOR_ENV,
        OPERATOR_AAD_OBJECT_IDS: `${personas.operator.aadObjectId},${secondOperator.aadObjectId}`,
        SMTP_URL: smtp.url,
        ...env,
      },
      {
        ...(opts.logger ? { logger: opts.logger } : {}),
        ...(opts.auth ? { auth: true } : {}),
        modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }),
      }
    );
  } catch (err) {
    await smtp.close();
    throw err;
  }
  for (const op of [personas.operator, secondOperator]) await app.post(app.teams.install(op));
  const db = app.app.db.connection;
  return {
    app,
    smtp,
    get enrollment() {
      return app.app.modules.enrollment;
    },
    /** Raw collection access, to check that nothing changed or to age a record. */
    collection: (name: string) => db.collection(name),
    async stop() {
      await app.stop();
      await smtp.close();
    },
  };
}

/** Drives one persona's personal chat; returns what the bot sent back in that chat. */
export function chat(env: SecurityEnv, who: Persona) {
  const { app } = env;
  const conversation = app.teams.conversationId(who);
  const since = async (work: () => Promise<{ status: number }>) => {
    const before = app.connector.shown(conversation).length;
    const res = await work();
    const out = app.connector.shown(conversation).slice(before);
    return Object.assign(out, { status: res.status, seen: out.map(visible).join('\n') });
  };
  return {
    conversation,
    say: (text: string) => since(() => app.post(app.teams.message(who, text))),
    click: (data: Record<string, unknown>) => since(() => app.post(app.teams.submit(who, data))),
    /** An Action.Execute invoke; `seen` is the invoke response as the user sees it. */
    async execute(verb: string, data: Record<string, unknown> = {}) {
      const res = await app.post(app.teams.cardAction(who, verb, data));
      return { status: res.status, body: res.body, seen: visible(res.body) };
    },
  };
}

/** Enrolls and submits (code mailed, status emailVerificationPending). */
export async function enrollAndSubmit(
  env: SecurityEnv,
  who: Persona,
  type: 'reseller' | 'provider',
  partnerId: string
) {
  const c = chat(env, who);
  await env.app.post(env.app.teams.install(who));
  await c.say('enroll');
  for (const [section, inputs] of Object.entries(ANSWERS(who.email, partnerId, type))) {
    const out = await c.click({
      verb: Verbs.enrollmentSection,
      section,
      action: 'next',
      ...inputs,
    });
    if (out.seen.includes('Please fix')) throw new Error(`section ${section} refused: ${out.seen}`);
  }
  await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
  const mail = await eventually(
    () => env.smtp.mails.find((m) => m.to.includes(who.email)),
    'the code mail'
  );
  return { c, code: codeIn(mail) };
}

/** Enrolled and verified: under review, operators told. Returns the partner record id. */
export async function enrollUnderReview(
  env: SecurityEnv,
  who: Persona,
  type: 'reseller' | 'provider',
  partnerId: string
) {
  const { c, code } = await enrollAndSubmit(env, who, type, partnerId);
  await c.say(`verify ${code}`);
  const { partner } = await env.enrollment.services.enrollment.status(who);
  if (partner?.status !== 'underReview') throw new Error(`not under review: ${partner?.status}`);
  return { c, code, partnerRef: partner.id };
}

/**
 * A snapshot of collections, to prove an attack changed nothing. A name no model uses throws:
 * a misspelt one (`conversationReferences` for `conversationreferences`) would always be empty
 * and the check could never fail.
 */
export async function snapshot(env: SecurityEnv, ...names: string[]) {
  const known = new Set(
    Object.values(env.app.app.db.connection.models).map((m) => m.collection.collectionName)
  );
  // What the last turns owe others runs after their answers: wait for it, so a snapshot holds
  // no owed-notice stamp about to be cleared by work already done.
  await env.app.app.owedWork.idle();
  const out: Record<string, unknown[]> = {};
  for (const name of names) {
    if (!known.has(name)) throw new Error(`no model uses a collection named "${name}"`);
    out[name] = await env.collection(name).find({}).sort({ _id: 1 }).toArray();
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown[]>;
}

export const oid = () => new mongoose.Types.ObjectId().toHexString();
