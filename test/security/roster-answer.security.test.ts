import { expect } from 'chai';
import { personas } from '../helpers/personas.js';
import { teamsMember } from '../helpers/teams-activity.js';
import {
  enrollUnderReview,
  snapshot,
  startSecurityApp,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

const admin = personas.reseller;

/**
 * The team roster and member lookups are answers from the Bot Connector, read back into user
 * records: a member whose ids are not plain GUID strings (a query operator, a number) must never
 * reach a database filter (`{ $gt: "" }` would match a real colleague's record), and one bad
 * member must not keep the well-formed ones from being recorded (the whole write failed).
 */
describe('rule: roster answers are checked before they are recorded (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
    await enrollUnderReview(env, admin, 'reseller', '1234567');
  });
  after(async () => env?.stop());

  it('records only members with a GUID object id and string fields; nobody is renamed', async () => {
    const { app } = env;
    const good = { ...teamsMember(personas.resellerAgent) };
    const bad = [
      { ...teamsMember(admin), id: '29:evil-1', name: 'Renamed 1', aadObjectId: { $gt: '' } },
      { ...teamsMember(admin), id: '29:evil-2', name: 'Renamed 2', aadObjectId: 'not-a-guid' },
      { ...teamsMember(admin), id: '29:evil-3', name: 'Renamed 3', aadObjectId: 42 },
      { ...teamsMember(admin), id: '29:evil-4', name: { $set: 'x' }, email: { $gt: '' } },
    ];
    app.connector.script({
      method: 'GET',
      path: /pagedmembers/,
      status: 200,
      body: { members: [...bad, good] },
      times: Infinity,
    });
    const before = (await snapshot(env, 'users')).users as Record<string, unknown>[];
    const res = await app.post(app.teams.install(admin, { scope: 'channel' }));
    expect(res.status).to.equal(200);
    const after = (await snapshot(env, 'users')).users as Record<string, any>[];
    // The admin's record kept its name; the only new record is the well-formed colleague's.
    const adminRecord = after.find((u) => u.aadObjectId === admin.aadObjectId);
    expect(adminRecord?.name).to.equal(admin.name);
    expect(after.every((u) => typeof u.aadObjectId === 'string')).to.equal(true);
    expect(after.every((u) => u.email === undefined || typeof u.email === 'string')).to.equal(true);
    const added = after.filter((u) => !before.some((b) => b._id === u._id));
    expect(added.map((u) => u.aadObjectId)).to.deep.equal([personas.resellerAgent.aadObjectId]);
  });
});
