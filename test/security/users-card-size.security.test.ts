import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { personas } from '../helpers/personas.js';
import {
  chat,
  enrollUnderReview,
  startSecurityApp,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

/** Teams refuses a bot message over about 28 KB (the whole activity, card included). */
const TEAMS_MESSAGE_LIMIT = 28 * 1024;
const COLLEAGUES = 80;
const colleagueId = (i: number) => `11111111-0000-4000-8000-${String(1000 + i).padStart(12, '0')}`;

/**
 * Team installs record every member as a user, so a tenant's `users` list grows with its teams;
 * the card listing them stays under Teams' message limit by showing them a page at a time.
 */
describe("rule: the users card stays under Teams' 28 KB message limit, whatever the tenant's size (real server)", function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
    await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    await env.collection('users').insertMany(
      Array.from({ length: COLLEAGUES }, (_, i) => ({
        tenantId: personas.reseller.tenantId,
        aadObjectId: colleagueId(i),
        name: `Colleague ${String(i).padStart(3, '0')} ${'N'.repeat(200)}`,
        email: `colleague.${i}.${'m'.repeat(100)}@contoso-reseller.example`,
      }))
    );
  });
  after(async () => env?.stop());

  const size = (x: unknown) => Buffer.byteLength(JSON.stringify(x));

  it('sends a first page under the limit, and every other page is reachable and under it too', async () => {
    const admin = chat(env, personas.reseller);
    const out = await admin.say('users');
    const sent = env.app.connector
      .activities(admin.conversation)
      .filter((a) => a.attachments?.length)
      .at(-1);
    expect(size(sent)).to.be.below(TEAMS_MESSAGE_LIMIT);
    expect(out.seen).to.include('Colleague 000');

    const seen = new Set<string>();
    let page = 0;
    for (;;) {
      const res = await admin.execute(Verbs.usersPage, { page });
      expect(res.status).to.equal(200);
      expect(size(res.body)).to.be.below(TEAMS_MESSAGE_LIMIT);
      for (const m of res.seen.matchAll(/Colleague (\d{3})/g)) seen.add(m[1]);
      if (!JSON.stringify(res.body).includes(`"verb":"${Verbs.usersPage}","page":${page + 1}`))
        break;
      page++;
      expect(page, 'pages end').to.be.below(50);
    }
    expect(seen.size).to.equal(COLLEAGUES);
  });

  it('keeps the page a Save was clicked on', async () => {
    const admin = chat(env, personas.reseller);
    const last = `Colleague ${String(COLLEAGUES - 1).padStart(3, '0')}`;
    let page = 0;
    while (!(await admin.execute(Verbs.usersPage, { page })).seen.includes(last)) page++;
    expect(page, 'not on the first page').to.be.above(0);
    const target = colleagueId(COLLEAGUES - 1);
    const res = await admin.execute(Verbs.usersUpdateRoles, {
      userId: target,
      [`roles-${target}`]: 'salesAgent',
      page,
    });
    expect(res.seen).to.include('saved');
    expect(res.seen).to.include(last);
    expect(size(res.body)).to.be.below(TEAMS_MESSAGE_LIMIT);
  });

  it('refuses a page that is not a small whole number, changing nothing', async () => {
    const admin = chat(env, personas.reseller);
    for (const page of [-1, 1.5, 'x', { $gt: 0 }, 1e9]) {
      const res = await admin.execute(Verbs.usersPage, { page });
      expect(res.status, JSON.stringify(page)).to.equal(200);
      expect(size(res.body)).to.be.below(TEAMS_MESSAGE_LIMIT);
    }
  });
});
