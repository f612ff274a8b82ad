import { expect } from 'chai';
import mongoose from 'mongoose';
import { LOCKOUT_MS, MAX_WRONG_CODES } from '../../domain/invitations/code-throttle.js';
import { GENERIC_APOLOGY } from '../e2e/security/security-world.js';
import {
  cast,
  colleague,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * Invitation codes are guessed only through the per-person throttle: five wrong codes lock the
 * guesser out, right code or not; guessing on while locked does not stretch the lock; and
 * neither the guesses nor the lock touch anyone else: the customer the code was meant for
 * (even a colleague of the guesser's tenant) opens it at once, with their own full budget.
 */

const LOCKED = 'Too many wrong codes';
const UNKNOWN = 'No invitation has that code';
/** Codes of the right form that nobody issued (C + 11 symbols of the code alphabet). */
const wrong = (n: number) => `C${String(n).padStart(3, '2').replace(/[01]/g, '9')}-2222-2222`;

describe('security: code guessing locks out the guesser alone, for an hour (real server)', function () {
  this.timeout(120_000);
  let w: RelationshipsWorld;
  before(async () => {
    w = await startRelationshipsWorld();
  });
  after(async () => w?.stop());

  it('locks the guesser, not the customer, and guessing on does not stretch the lock', async () => {
    const created = await w.app.app.modules.invitations.service.inviteCustomer(cast.reseller, {
      companyName: 'Northwind Traders',
    });
    const code = created.secrets.code;
    // The guesser is a colleague in the customer's own tenant: the closest anyone can get.
    const guesser = colleague(cast.customer, 9, 'Mallory');
    await w.app.post(w.app.teams.install(guesser));

    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      const out = await w.say(guesser, `accept ${wrong(i)}`);
      expect(out.seen, `guess ${i}`).to.include(UNKNOWN);
    }
    const fifth = await w.say(guesser, `accept ${wrong(MAX_WRONG_CODES)}`);
    expect(fifth.seen).to.include(LOCKED);
    const lockedAt = w.now().getTime();
    const right = await w.say(guesser, `accept ${code}`);
    expect(right.seen, 'locked, right code or not').to.include(LOCKED);

    // The customer meanwhile: four typos of their own, then the code opens the invitation.
    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      const out = await w.say(cast.customer, `accept ${wrong(100 + i)}`);
      expect(out.seen).to.include(UNKNOWN).and.not.include(GENERIC_APOLOGY);
    }
    const opened = await w.say(cast.customer, `accept ${code}`);
    expect(opened.seen).to.include('Northwind Traders').and.not.include(LOCKED);

    // Guessing on through the hour: every try refused, none counted, the lock not moved.
    for (let minute = 5; minute < 60; minute += 5) {
      w.advance(5 * 60_000);
      const out = await w.say(guesser, `accept ${wrong(200 + minute)}`);
      expect(out.seen, `minute ${minute}`).to.include(LOCKED);
    }
    const guesses = await w.collection('invitationGuesses').find({}).toArray();
    const lock = guesses.map((g) => g.lockedUntil as Date | undefined).find(Boolean);
    expect(lock?.getTime(), 'the lock was stretched').to.equal(lockedAt + LOCKOUT_MS);

    w.advance(lockedAt + LOCKOUT_MS + 60_000 - w.now().getTime());
    const after = await w.say(guesser, `accept ${code}`);
    expect(after.seen, 'still locked after the hour').to.not.include(LOCKED);
    // The guesses opened nothing and killed nothing: the invitation waits for the customer.
    const doc = await w
      .collection('invitations')
      .findOne({ _id: new mongoose.Types.ObjectId(created.view.invitation.id) });
    expect(doc?.state).to.equal('pending');
  });
});
