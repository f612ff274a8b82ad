import { expect } from 'chai';
import { MAX_WRONG_CODES, TENANT_MAX_WRONG_CODES } from '../../domain/invitations/code-throttle.js';
import { personas, type Persona } from '../helpers/personas.js';
import {
  cast,
  colleague,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * Every typed code takes one try from its person's budget and its organization's before it is
 * looked up, in one conditional update that refuses past the budget: a burst sent at once
 * checks no more codes than the same guesses sent one by one, a right code hidden in a burst is
 * refused like the rest, a right code never wipes the wrong ones before it, and several people
 * of one organization together get the organization's budget, not one each.
 */

const LOCKED = 'Too many wrong codes.';
const TENANT_LOCKED = 'Too many wrong codes from your organization';
const UNKNOWN = 'No invitation has that code';

/** A person alone in a tenant of their own, so no other test's guesses count against them. */
function outsider(n: number, givenName: string): Persona {
  const tenantId = `4444${String(n).padStart(4, '0')}-4444-4444-4444-444444444444`;
  return {
    ...personas.customer,
    id: `outsider-${n}`,
    tenantId,
    aadObjectId: `${tenantId.slice(0, 8)}-0000-4000-8000-000000000001`,
    name: `${givenName} Outsider`,
    givenName,
    organization: `Outsider ${n}`,
  };
}

/** Codes of the right form that nobody issued, each different. */
const wrong = (n: number) =>
  `C${String(n)
    .padStart(3, '2')
    .replace(/[01]/g, (d) => (d === '0' ? 'X' : 'Y'))}-2222-2222`;

describe('security: code guesses are counted before the lookup, never reset, per person and per organization (real server)', function () {
  this.timeout(120_000);
  let w: RelationshipsWorld;
  let lookups = 0;
  before(async () => {
    w = await startRelationshipsWorld();
    // Counts the code lookups the real service makes (each checked code: its keyed hash, then
    // the plain one of invitations made before the key).
    const repository = w.app.app.modules.invitations.repository;
    const find = repository.findByCodeHash.bind(repository);
    repository.findByCodeHash = (hash: string) => {
      lookups++;
      return find(hash);
    };
  });
  after(async () => w?.stop());

  const invite = async (companyName: string) =>
    (await w.app.app.modules.invitations.service.inviteCustomer(cast.reseller, { companyName }))
      .secrets.code;

  /** Sends every text at once, as a burst of messages; returns what the bot answered each. */
  async function burst(who: Persona, texts: readonly string[]): Promise<string[]> {
    const conversation = w.app.teams.conversationId(who);
    const before = w.app.connector.shown(conversation).length;
    await Promise.all(texts.map((text) => w.app.post(w.app.teams.message(who, text))));
    return w.app.connector.shown(conversation).slice(before).map(visible);
  }

  const failuresOf = async (key: string) =>
    ((await w.collection('invitationGuesses').findOne({ personKey: key }))?.failures as number) ??
    0;

  it('checks at most the budget of 40 wrong codes sent at once; the rest are refused unread', async () => {
    const guesser = outsider(1, 'Mallory');
    await w.app.post(w.app.teams.install(guesser));
    lookups = 0;
    const answers = await burst(
      guesser,
      Array.from({ length: 40 }, (_, i) => `accept ${wrong(i + 1)}`)
    );
    expect(answers).to.have.length(40);
    expect(answers.filter((a) => a.includes(UNKNOWN))).to.have.length(MAX_WRONG_CODES - 1);
    expect(answers.filter((a) => a.includes(LOCKED))).to.have.length(40 - MAX_WRONG_CODES + 1);
    expect(lookups, 'codes looked up').to.be.at.most(2 * MAX_WRONG_CODES);
    expect(await failuresOf(`${guesser.tenantId}/${guesser.aadObjectId}`)).to.equal(
      MAX_WRONG_CODES
    );
  });

  it('refuses a right code sent after 30 wrong ones in one burst', async () => {
    // A few rounds, each its own guesser and invitation: a race shows in some, not every one.
    for (let round = 0; round < 3; round++) {
      const company = `Burst Traders ${round}`;
      const code = await invite(company);
      const guesser = outsider(10 + round, `Trent${round}`);
      await w.app.post(w.app.teams.install(guesser));
      const texts = [
        ...Array.from({ length: 30 }, (_, i) => `accept ${wrong(100 + 30 * round + i)}`),
        `accept ${code}`,
      ];
      const answers = await burst(guesser, texts);
      expect(answers.join('\n'), `round ${round}`).to.not.include(company);
      const doc = await w.collection('invitations').findOne({ 'customer.companyName': company });
      expect(doc?.openedBy, `round ${round}: the right code opened it`).to.deep.equal([]);
    }
  });

  it('keeps counting after a right code: wrong x4, right, wrong locks', async () => {
    const code = await invite('Steady Traders');
    const guesser = outsider(3, 'Oscar');
    await w.app.post(w.app.teams.install(guesser));
    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      expect((await w.say(guesser, `accept ${wrong(200 + i)}`)).seen).to.include(UNKNOWN);
    }
    const right = await w.say(guesser, `accept ${code}`);
    expect(right.seen).to.include('Steady Traders');
    const next = await w.say(guesser, `accept ${wrong(210)}`);
    expect(next.seen, 'the right code wiped the wrong ones').to.include(LOCKED);
    expect((await w.say(guesser, `accept ${code}`)).seen).to.include(LOCKED);
  });

  it('gives one organization one budget, however many of its people guess', async () => {
    const code = await invite('Shared Traders');
    const boss = outsider(4, 'Eve');
    const people = Array.from({ length: 6 }, (_, i) => colleague(boss, i + 1, `Eve${i + 1}`));
    for (const p of [boss, ...people]) await w.app.post(w.app.teams.install(p));
    // Four wrong codes each (one short of a person's lock), until the organization's are spent.
    let sent = 0;
    for (const p of people.slice(0, TENANT_MAX_WRONG_CODES / (MAX_WRONG_CODES - 1))) {
      for (let i = 1; i < MAX_WRONG_CODES; i++) {
        sent++;
        const out = await w.say(p, `accept ${wrong(300 + sent)}`);
        if (sent < TENANT_MAX_WRONG_CODES) expect(out.seen, `guess ${sent}`).to.include(UNKNOWN);
        else expect(out.seen, `guess ${sent}`).to.include(TENANT_LOCKED);
      }
    }
    expect(sent).to.equal(TENANT_MAX_WRONG_CODES);
    // A colleague with a full budget of their own: refused too, the right code as well, and
    // their refused tries do not count against them.
    const fresh = people[people.length - 1];
    expect((await w.say(fresh, `accept ${wrong(399)}`)).seen).to.include(TENANT_LOCKED);
    expect((await w.say(fresh, `accept ${code}`)).seen).to.include(TENANT_LOCKED);
    expect(await failuresOf(`${fresh.tenantId}/${fresh.aadObjectId}`)).to.equal(0);
    const doc = await w
      .collection('invitations')
      .findOne({ 'customer.companyName': 'Shared Traders' });
    expect(doc?.state).to.equal('pending');
    // Another organization is not touched.
    expect((await w.say(cast.customer, `accept ${code}`)).seen).to.include('Shared Traders');
  });
});
