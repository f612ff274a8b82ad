import { Verbs } from '../../cards/verbs.js';
import type { Persona } from '../helpers/personas.js';
import {
  ANSWERS,
  chat,
  codeIn,
  eventually,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

/** Enrolls `who` with some answers replaced, submits and types the mailed code. */
export async function enrollWith(
  env: SecurityEnv,
  who: Persona,
  partnerId: string,
  overrides: Record<string, Record<string, string>> = {}
) {
  const c = chat(env, who);
  await env.app.post(env.app.teams.install(who));
  await c.say('enroll');
  for (const [section, inputs] of Object.entries(ANSWERS(who.email, partnerId, 'reseller'))) {
    const out = await c.click({
      verb: Verbs.enrollmentSection,
      section,
      action: 'next',
      ...inputs,
      ...overrides[section],
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
