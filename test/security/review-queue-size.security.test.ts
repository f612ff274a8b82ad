import { expect } from 'chai';
import { personas } from '../helpers/personas.js';
import {
  chat,
  enrollUnderReview,
  oid,
  startSecurityApp,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

/** Teams refuses a bot message over about 28 KB (the whole activity, card included). */
const TEAMS_MESSAGE_LIMIT = 28 * 1024;
const WAITING = 60;

/**
 * Anyone with a tenant and a mailbox can put an application under review, so the queue's length
 * is the applicants' choice: flooding it must not make the operators' queue card too large for
 * Teams to deliver (no queue at all). The card lists the oldest applications and says how many
 * more wait.
 */
describe("rule: the operators' review queue card stays under Teams' 28 KB limit, however long the queue (real server)", function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
    await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    const partners = env.collection('partners');
    const model = (await partners.findOne({ status: 'underReview' }))!;
    const { _id: _ignored, ...rest } = model;
    await partners.insertMany(
      Array.from({ length: WAITING - 1 }, (_, i) => ({
        ...rest,
        _id: oid() as never,
        tenantId: `22222222-0000-4000-8000-${String(i).padStart(12, '0')}`,
        partnerId: String(2_000_000 + i),
        legalName: `Flood ${String(i).padStart(3, '0')} ${'[x](y)'.repeat(80)}`,
        submittedAt: new Date(Date.now() + (i + 1) * 1000),
      }))
    );
  });
  after(async () => env?.stop());

  it('sends the queue under the limit, oldest first, saying how many there are', async () => {
    const op = chat(env, personas.operator);
    const out = await op.say('review');
    const card = env.app.connector
      .activities(op.conversation)
      .filter((a) => a.attachments?.length)
      .at(-1);
    expect(Buffer.byteLength(JSON.stringify(card))).to.be.below(TEAMS_MESSAGE_LIMIT);
    expect(out.seen).to.include(String(WAITING));
    // The oldest (the real application) is listed first.
    expect(out.seen).to.include('Contoso');
  });
});
