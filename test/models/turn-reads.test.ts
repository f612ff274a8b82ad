import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import { loadConfig } from '../../config/config.js';
import type { NewPartner } from '../../domain/partners/partner.js';
import { testLogger } from '../../logging/logger.js';
import { MongoBotStorage } from '../../models/bot-state/bot-state.storage.js';
import { connectDatabase, type DatabaseHandle } from '../../models/connection.js';
import { MongoEnrollmentDraftRepository } from '../../models/enrollment/enrollment-draft.repository.js';
import { MongoMembershipRepository } from '../../models/partners/membership.repository.js';
import { MongoPartnerRepository } from '../../models/partners/partner.repository.js';
import { MongoUserRepository } from '../../models/partners/user.repository.js';
import { userModel } from '../../models/partners/user.schema.js';
import { withTurnMemo } from '../../models/turn-memo.js';
import { MongoTurnReads } from '../../models/turn-reads.js';
import { validAnswers } from '../domain/enrollment/enrollment-world.js';

/**
 * A turn's working set (user, conversation state, the tenant's partner and roster, the user's
 * draft) read in one command: what the repositories then answer is what they would have read
 * themselves, absent records included, and a write in the turn is seen by the turn.
 */
describe('turn reads: the working set in one round trip', function () {
  this.timeout(30_000);
  let dir: string;
  let db: DatabaseHandle;
  let commands: string[];
  let users: MongoUserRepository;
  let storage: MongoBotStorage;
  let partners: MongoPartnerRepository;
  let rosters: MongoMembershipRepository;
  let drafts: MongoEnrollmentDraftRepository;
  let reads: MongoTurnReads;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-turn-reads-'));
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
    db = await connectDatabase(config, testLogger(), { monitorCommands: true });
    const conn = db.connection;
    users = new MongoUserRepository(conn);
    storage = new MongoBotStorage(conn);
    partners = new MongoPartnerRepository(conn);
    rosters = new MongoMembershipRepository(conn);
    drafts = new MongoEnrollmentDraftRepository(conn);
    reads = new MongoTurnReads(conn);
    // Each model creates its collection and indexes in the background once compiled: wait for
    // that here, or on a busy machine a late createIndexes lands in a test's command list.
    await Promise.all(Object.values(conn.models).map((m) => m.init()));
    conn.getClient().on('commandStarted', (e: CommandStartedEvent) => {
      const target = e.command[e.commandName];
      commands.push(typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName);
    });
  });
  after(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (commands = []));

  /** An enrolled partner with its roster, a known user of it, a draft and a state item. */
  async function world() {
    const tenantId = randomUUID();
    const user = { tenantId, aadObjectId: randomUUID() };
    const partner = await partners.create({
      ...(validAnswers() as unknown as NewPartner),
      partnerId: `${5000000 + Math.floor(Math.random() * 999_999)}`,
      tenantId,
      status: 'approved',
      submittedBy: user,
      submittedAt: new Date(),
    } as NewPartner);
    const member = {
      aadObjectId: user.aadObjectId,
      roles: ['globalAdmin' as const],
      updatedAt: new Date(),
      updatedBy: user.aadObjectId,
    };
    await rosters.create({ partnerRef: partner.id, tenantId, members: [member] });
    await users.recordSeen({ ...user, name: 'Ada Admin', locale: 'ru-RU' });
    await users.setLanguage(user, 'ru');
    await drafts.save({
      ...user,
      answers: { legalName: 'Draft Ltd' },
      step: 'company',
      updatedAt: new Date(),
    } as never);
    const key = `msteams/conversations/${randomUUID()}/`;
    await storage.write({ [key]: { dialogState: { dialogStack: [{ id: 'enroll' }] } } });
    return { user, partner, key };
  }

  /** Everything a status turn or a dialog step asks for, through the repositories. */
  const askAll = async (w: Awaited<ReturnType<typeof world>>) => ({
    user: await users.get(w.user),
    state: await storage.read([w.key]),
    partner: await partners.findByTenant(w.user.tenantId),
    roster: await rosters.get(w.partner.id),
    draft: await drafts.get(w.user),
  });

  it('answers every repository read of the turn from one aggregate, as they would read it', async () => {
    const w = await world();
    const direct = await askAll(w);
    expect(direct.user?.language).to.equal('ru');
    expect(direct.roster?.members).to.have.length(1);
    commands = [];
    const prefetched = await withTurnMemo(async () => {
      await reads.prefetch(w.user, [w.key]);
      return askAll(w);
    });
    expect(commands).to.deep.equal(['aggregate users']);
    expect(prefetched).to.deep.equal(direct);
  });

  it('knows what is absent: a new user in a new tenant costs one command too', async () => {
    const user = { tenantId: randomUUID(), aadObjectId: randomUUID() };
    const key = `msteams/conversations/${randomUUID()}/`;
    const answers = await withTurnMemo(async () => {
      await reads.prefetch(user, [key]);
      return {
        user: await users.get(user),
        state: await storage.read([key]),
        partner: await partners.findByTenant(user.tenantId),
        draft: await drafts.get(user),
      };
    });
    expect(commands).to.deep.equal(['aggregate users']);
    expect(answers).to.deep.equal({ user: null, state: {}, partner: null, draft: null });
  });

  it("sees the turn's own writes, and reads nothing prefetched outside a turn", async () => {
    const w = await world();
    await withTurnMemo(async () => {
      await reads.prefetch(w.user, [w.key]);
      await users.setLanguage(w.user, 'en');
      expect((await users.get(w.user))?.language).to.equal('en');
      const [item] = Object.values(await storage.read([w.key]));
      await storage.write({ [w.key]: { ...item, step: 2 } });
      expect((await storage.read([w.key]))[w.key].step).to.equal(2);
    });
    // Outside a turn a prefetch remembers nothing: every read goes to the database.
    await reads.prefetch(w.user, [w.key]);
    commands = [];
    await users.get(w.user);
    expect(commands).to.deep.equal(['find users']);
  });

  it('gives up the shortcut on a server without $unionWith, and the turn reads one by one', async () => {
    const w = await world();
    const model = userModel(db.connection);
    const aggregate = model.aggregate;
    let asked = 0;
    // What MongoDB answers for an unknown stage (Cosmos DB's older API versions).
    model.aggregate = (() => {
      asked++;
      const err = Object.assign(new Error("Unrecognized pipeline stage name: '$unionWith'"), {
        code: 40324,
      });
      return { exec: () => Promise.reject(err) };
    }) as never;
    try {
      const quiet = new MongoTurnReads(db.connection);
      for (let i = 0; i < 2; i++) {
        const answers = await withTurnMemo(async () => {
          await quiet.prefetch(w.user, [w.key]);
          return askAll(w);
        });
        expect(answers.user?.language).to.equal('ru');
        expect(answers.partner?.id).to.equal(w.partner.id);
      }
      expect(asked, 'asked once, then no more').to.equal(1);
    } finally {
      model.aggregate = aggregate;
    }
  });
});
