import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { NewPartner } from '../../domain/partners/partner.js';
import { MongoEnrollmentDraftRepository } from '../../models/enrollment/enrollment-draft.repository.js';
import { enrollmentDraftModel } from '../../models/enrollment/enrollment-draft.schema.js';
import { MongoMembershipRepository } from '../../models/partners/membership.repository.js';
import { membershipModel } from '../../models/partners/membership.schema.js';
import { MongoPartnerRepository } from '../../models/partners/partner.repository.js';
import { partnerModel } from '../../models/partners/partner.schema.js';
import { withTurnMemo } from '../../models/turn-memo.js';
import { startBotHarness, type BotHarness } from '../bot/bot-harness.js';
import { validAnswers } from '../domain/enrollment/enrollment-world.js';

/**
 * The turn memo is seen through staleness: a change made behind the repository's back (as
 * another process would) is not seen again within the turn, is seen by the next turn and
 * outside turns, and a write through the repository is always seen by the turn that made it.
 */
describe('turn memo of partners, rosters and drafts', () => {
  let harness: BotHarness;
  let partners: MongoPartnerRepository;
  let rosters: MongoMembershipRepository;
  let drafts: MongoEnrollmentDraftRepository;
  let seq = 0;
  before(async () => {
    harness = await startBotHarness();
    const conn = harness.db.connection;
    await Promise.all([partnerModel(conn).init(), membershipModel(conn).init()]);
    partners = new MongoPartnerRepository(conn);
    rosters = new MongoMembershipRepository(conn);
    drafts = new MongoEnrollmentDraftRepository(conn);
  });
  after(async () => harness?.stop());

  const newPartner = async () => {
    const tenantId = randomUUID();
    seq++;
    return partners.create({
      ...(validAnswers() as unknown as NewPartner),
      partnerId: `${4000000 + seq}`,
      tenantId,
      status: 'underReview',
      submittedBy: { tenantId, aadObjectId: randomUUID() },
      submittedAt: new Date(),
    } as NewPartner);
  };
  /**
   * A change another process makes: straight to the collection through the driver, which this
   * process's mongoose (and so its turn memo) does not see.
   */
  const renameBehindTheBack = (id: string, legalName: string) =>
    partnerModel(harness.db.connection).collection.updateOne(
      { _id: new mongoose.Types.ObjectId(id) },
      { $set: { legalName } }
    );

  it('reads a partner once per turn, by tenant or by id, and afresh in the next turn', async () => {
    const partner = await newPartner();
    await withTurnMemo(async () => {
      expect((await partners.findByTenant(partner.tenantId))?.legalName).to.equal(
        partner.legalName
      );
      await renameBehindTheBack(partner.id, 'Renamed elsewhere');
      expect((await partners.findByTenant(partner.tenantId))?.legalName).to.equal(
        partner.legalName
      );
      // The tenant read also answers a later read by id.
      expect((await partners.get(partner.id))?.legalName).to.equal(partner.legalName);
    });
    await withTurnMemo(async () => {
      expect((await partners.get(partner.id))?.legalName).to.equal('Renamed elsewhere');
    });
    expect((await partners.findByTenant(partner.tenantId))?.legalName).to.equal(
      'Renamed elsewhere'
    );
  });

  it('sees its own transition, and what a failed conditional one found, within the turn', async () => {
    const partner = await newPartner();
    await withTurnMemo(async () => {
      await partners.get(partner.id);
      const moved = await partners.transition(partner.id, 'underReview', {
        set: { status: 'approved' },
      });
      expect(moved?.status).to.equal('approved');
      expect((await partners.findByTenant(partner.tenantId))?.status).to.equal('approved');
      await renameBehindTheBack(partner.id, 'Changed meanwhile');
      // A transition that finds nothing to change still forgets: the next read is fresh.
      expect(await partners.transition(partner.id, 'underReview', { set: { status: 'rejected' } }))
        .to.be.null;
      expect((await partners.get(partner.id))?.legalName).to.equal('Changed meanwhile');
    });
  });

  it('reads a roster afresh after a conditional write lost, so a retry can win', async () => {
    const partner = await newPartner();
    const member = {
      aadObjectId: 'a',
      roles: ['globalAdmin' as const],
      updatedAt: new Date(),
      updatedBy: 'a',
    };
    await rosters.create({ partnerRef: partner.id, tenantId: partner.tenantId, members: [member] });
    await withTurnMemo(async () => {
      const first = await rosters.get(partner.id);
      // Someone else changes the roster: this turn's version is stale now.
      await membershipModel(harness.db.connection).collection.updateOne(
        { partnerRef: partner.id },
        { $inc: { version: 1 } }
      );
      expect((await rosters.get(partner.id))?.version).to.equal(first?.version);
      expect(await rosters.replaceMembers(partner.id, first!.version, [member])).to.equal(false);
      const fresh = await rosters.get(partner.id);
      expect(fresh?.version).to.equal(first!.version + 1);
      expect(await rosters.replaceMembers(partner.id, fresh!.version, [member])).to.equal(true);
    });
  });

  it('remembers the draft it saved and deleted, as the database holds it', async () => {
    const user = { tenantId: randomUUID(), aadObjectId: randomUUID() };
    const draft = {
      ...user,
      answers: { legalName: 'Contoso', region: undefined },
      step: 'company' as const,
      updatedAt: new Date(),
    };
    await withTurnMemo(async () => {
      expect(await drafts.get(user)).to.be.null;
      await drafts.save(draft as never);
      const remembered = await drafts.get(user);
      const stored = await enrollmentDraftModel(harness.db.connection)
        .findOne({ tenantId: user.tenantId })
        .lean();
      expect(remembered).to.deep.equal({
        ...user,
        answers: stored?.answers,
        step: 'company',
        updatedAt: stored?.updatedAt,
      });
      // As a read after the turn gives it (the driver keeps an undefined answer as null).
      expect(stored?.answers).to.deep.equal({ legalName: 'Contoso', region: null });
      await drafts.delete(user);
      expect(await drafts.get(user)).to.be.null;
    });
    expect(await drafts.get(user)).to.be.null;
  });

  it('forgets what it read of a collection on any write through its model, failed ones too', async () => {
    const partner = await newPartner();
    const model = partnerModel(harness.db.connection);
    await withTurnMemo(async () => {
      await partners.get(partner.id);
      // No repository method: a write a new one might make, through the model.
      await model.updateOne({ _id: partner.id }, { $set: { legalName: 'Through the model' } });
      expect((await partners.get(partner.id))?.legalName).to.equal('Through the model');
      await renameBehindTheBack(partner.id, 'Then elsewhere');
      // A write that fails (a duplicate tenant) forgets as well.
      await model.create({ ...partner, _id: undefined, partnerId: '4999999' }).catch(() => null);
      expect((await partners.findByTenant(partner.tenantId))?.legalName).to.equal('Then elsewhere');
    });
  });

  it('keeps nothing once the turn is over, even for work the turn left running', async () => {
    const partner = await newPartner();
    let late: Promise<string | undefined> | undefined;
    let go!: () => void;
    const renamed = new Promise<void>((resolve) => (go = resolve));
    await withTurnMemo(async () => {
      await partners.get(partner.id);
      // Started by the turn, it reads after the turn ended (as a woken worker would).
      late = renamed.then(async () => (await partners.get(partner.id))?.legalName);
    });
    await renameBehindTheBack(partner.id, 'After the turn');
    go();
    expect(await late).to.equal('After the turn');
  });
});
