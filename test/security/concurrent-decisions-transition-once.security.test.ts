import { expect } from 'chai';
import mongoose from 'mongoose';
import { Verbs } from '../../cards/verbs.js';
import { GENERIC_APOLOGY } from '../e2e/security/security-world.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * Fifty clicks of one decision at once (fifty Teams retries, a script, several admins): the
 * record moves once and each person concerned is told once, exactly as after a single click.
 * A decided invitation's code, typed again, opens nothing new.
 */

const GRANT = { roles: ['globalReader'], durationDays: 365, autoExtend: false };
const BURST = 50;

/** Notices (messages and card updates) in the outbox, as `kind key recipient` lines. */
async function notices(w: RelationshipsWorld): Promise<string[]> {
  const docs = await w.collection('notifications').find({}).sort({ _id: 1 }).toArray();
  return docs.map((d) => `${d.kind} ${d.key} ${d.recipientKey}`);
}

/** The notices made while `work` ran (and the outbox settled). */
async function noticesOf(w: RelationshipsWorld, work: () => Promise<unknown>): Promise<string[]> {
  // The set-up's own notices (owed work done after it) are not the work's.
  await w.drained();
  const before = new Set(await notices(w));
  await work();
  await w.drained();
  await new Promise((r) => setTimeout(r, 300));
  return (await notices(w)).filter((n) => !before.has(n));
}

/** A notice's shape without the record it is about, to compare one decision with another. */
const shapeOf = (lines: string[], ids: string[]) =>
  lines
    .map((l) => ids.reduce((s, id) => s.split(id).join('<id>'), l))
    // A card update names the copy it updates (`#<copy id>`): one per copy either way.
    .map((l) => l.replace(/#[0-9a-f]{24}$/, '#<copy>'))
    // The GDAP state's card update names the relationship's GDAP link, a record of its own.
    .map((l) => l.replace(/gdap:[0-9a-f]{24}:/, 'gdap:<link>:'))
    .sort();

describe('security: fifty concurrent decisions make one transition and one notice each (real server)', function () {
  this.timeout(120_000);
  let w: RelationshipsWorld;
  before(async () => {
    w = await startRelationshipsWorld();
  });
  after(async () => w?.stop());

  /** A reseller's request, pending the provider's Authorize. */
  const requested = async () => {
    await w.collection('relationships').deleteMany({});
    return (await w.service.request(cast.reseller, w.provider.id, GRANT, true)).id;
  };

  it('authorizes once when Authorize is clicked fifty times at once', async () => {
    const single = await requested();
    const once = await noticesOf(w, () =>
      w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: single })
    );
    expect(once, 'a single Authorize tells someone').to.not.deep.equal([]);

    const id = await requested();
    const answers: { status: number; seen: string }[] = [];
    const burst = await noticesOf(w, async () => {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: BURST }, () =>
            w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: id })
          )
        ))
      );
    });
    for (const a of answers) {
      expect(a.status).to.equal(200);
      expect(a.seen).to.not.include(GENERIC_APOLOGY);
    }
    const doc = await w
      .collection('relationships')
      .findOne({ _id: new mongoose.Types.ObjectId(id) });
    expect(doc?.state).to.equal('active');
    const history = (doc?.history ?? []) as { to?: string }[];
    expect(
      history.filter((h) => h.to === 'active'),
      JSON.stringify(history)
    ).to.have.length(1);
    expect(shapeOf(burst, [id])).to.deep.equal(shapeOf(once, [single]));
  });

  it('accepts once when the customer clicks Accept fifty times at once', async () => {
    const invite = async (companyName: string) => {
      const created = await w.app.app.modules.invitations.service.inviteCustomer(cast.reseller, {
        companyName,
      });
      // The customer opens it with its code, as the mail says: Accept counts only then.
      const opened = await w.say(cast.customer, `accept ${created.secrets.code}`);
      expect(opened.seen).to.include(companyName);
      return { id: created.view.invitation.id, code: created.secrets.code };
    };
    const { id: single } = await invite('Northwind Traders');
    const once = await noticesOf(w, () =>
      w.click(cast.customer, Verbs.invitationAccept, { invitationRef: single })
    );
    expect(once, 'a single Accept tells someone').to.not.deep.equal([]);
    const links = async () => w.collection('customerLinks').countDocuments({});
    const linksBefore = await links();

    const { id, code } = await invite('Tailspin Toys');
    const answers: { status: number; seen: string }[] = [];
    const burst = await noticesOf(w, async () => {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: BURST }, () =>
            w.click(cast.customer, Verbs.invitationAccept, { invitationRef: id })
          )
        ))
      );
    });
    for (const a of answers) {
      expect(a.status).to.equal(200);
      expect(a.seen).to.not.include(GENERIC_APOLOGY);
    }
    const doc = await w.collection('invitations').findOne({ _id: new mongoose.Types.ObjectId(id) });
    expect(doc?.state).to.equal('accepted');
    const history = (doc?.history ?? []) as { to?: string }[];
    expect(
      history.filter((h) => h.to === 'accepted'),
      JSON.stringify(history)
    ).to.have.length(1);
    expect(await links()).to.be.at.most(linksBefore + 1);
    expect(shapeOf(burst, [id])).to.deep.equal(shapeOf(once, [single]));

    // The same code again, by the customer: the decided invitation is shown, nothing changes.
    const state = async () =>
      JSON.stringify(
        await Promise.all(
          ['invitations', 'customers', 'customerLinks'].map((c) =>
            w.collection(c).find({}).sort({ _id: 1 }).toArray()
          )
        )
      );
    const settledBefore = await state();
    const again = await noticesOf(w, async () => {
      const twice = await w.say(cast.customer, `accept ${code}`);
      expect(twice.seen).to.not.include(GENERIC_APOLOGY).and.not.equal('');
    });
    // The card shown in the customer's own chat is recorded as a copy (`reply:`), nothing else.
    const told = again.filter((n) => !n.startsWith(`message reply:invitation:${id}:customer:`));
    expect(told, 'the code typed again told someone').to.deep.equal([]);
    expect(await state()).to.equal(settledBefore);
  });
});
