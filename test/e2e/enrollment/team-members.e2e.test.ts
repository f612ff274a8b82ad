import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas, type Persona } from '../../helpers/personas.js';
import { teamsUserId } from '../../helpers/teams-activity.js';
import { captureLogger } from '../server/capture-logger.js';
import {
  chat,
  enrollUnderReview,
  GENERIC_APOLOGY,
  startSecurityApp,
  type SecurityEnv,
} from '../security/security-world.js';

const admin = personas.reseller;

/** A colleague of the admin who is in the team but never talked to the bot. */
const colleague: Persona = {
  ...personas.resellerAgent,
  id: 'user-reseller-team',
  aadObjectId: '11111111-0000-4000-8000-000000000031',
  name: 'Lee Gu',
  email: 'lee.gu@contoso-reseller.example',
  upn: 'lee.gu@contoso-reseller.example',
};

/** A guest from the provider's tenant, invited into the reseller's team. */
const guest: Persona = {
  ...personas.provider,
  id: 'user-provider-guest',
  aadObjectId: '22222222-0000-4000-8000-000000000031',
  name: 'Gus Guest',
  email: 'gus.guest@fabrikam-dist.example',
  upn: 'gus.guest@fabrikam-dist.example',
};

/** Joins the team after the bot was installed there. */
const newcomer: Persona = {
  ...colleague,
  id: 'user-reseller-newcomer',
  aadObjectId: '11111111-0000-4000-8000-000000000032',
  name: 'Nia Newcomer',
  email: 'nia.newcomer@contoso-reseller.example',
  upn: 'nia.newcomer@contoso-reseller.example',
};

describe('users: members of a team where the bot is installed (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  let logs: ReturnType<typeof captureLogger>;
  beforeEach(async () => {
    logs = captureLogger();
    env = await startSecurityApp({}, { logger: logs.logger });
    await enrollUnderReview(env, admin, 'reseller', '1234567');
    // One member a page, so a roster of three takes three pages to read.
    env.app.connector.addMembers(admin, colleague, guest).pageMembersBy(1);
  });
  afterEach(async () => env?.stop());

  const teamId = () => env.app.teams.conversationId(admin, 'channel');
  const users = async () => (await chat(env, admin).say('users')).seen;

  it('lists a colleague from the team roster for role grants, and never a guest', async () => {
    const { app } = env;
    const installed = await app.post(app.teams.install(admin, { scope: 'channel' }));
    expect(installed.status).to.equal(200);
    const pagedMembers = `/v3/conversations/${teamId()}/pagedmembers`;
    const pages = app.connector.calls.filter((c) => c.path === pagedMembers);
    expect(pages.length).to.be.at.least(3);

    const list = await users();
    expect(list).to.include(colleague.name);
    expect(list).to.include(colleague.email);
    expect(list).to.not.include(guest.name);
    const guestRecord = await env.collection('users').findOne({ aadObjectId: guest.aadObjectId });
    expect(guestRecord).to.equal(null);

    const granted = await chat(env, admin).execute(Verbs.usersUpdateRoles, {
      userId: colleague.aadObjectId,
      [`roles-${colleague.aadObjectId}`]: 'salesAgent',
    });
    expect(granted.seen).to.include(`Roles of ${colleague.name} saved: Sales agent`);
  });

  it('lists a member added to the team later', async () => {
    const { app } = env;
    await app.post(app.teams.install(admin, { scope: 'channel' }));
    expect(await users()).to.not.include(newcomer.name);

    app.connector.addMembers(newcomer);
    const joined = await app.post({
      ...app.teams.install(admin, { scope: 'channel' }),
      membersAdded: [
        { id: teamsUserId(newcomer), name: newcomer.name, aadObjectId: newcomer.aadObjectId },
      ],
    });
    expect(joined.status).to.equal(200);
    expect(await users()).to.include(newcomer.name);
  });

  it('reads the roster on installationUpdate alone', async () => {
    const { app } = env;
    await app.post(app.teams.installationUpdate(admin, 'add', { scope: 'channel' }));
    expect(await users()).to.include(colleague.name);
  });

  it('keeps the install working when Teams refuses the roster', async () => {
    const { app } = env;
    app.connector.fail(403, { path: 'pagedmembers' });
    const installed = await app.post(app.teams.install(admin, { scope: 'channel' }));
    expect(installed.status).to.equal(200);
    expect(app.connector.texts(teamId()).join('\n')).to.not.include(GENERIC_APOLOGY);
    const warning = logs.lines.find((l) => l.module === 'team-roster' && l.level === 40);
    expect(warning?.msg).to.include('team roster sync failed');
    expect(await users()).to.not.include(colleague.name);
  });
});
