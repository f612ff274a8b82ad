import { expect } from 'chai';
import { rolesInputId } from '../../../cards/partners/users.card.js';
import { Verbs } from '../../../cards/verbs.js';
import { cast, startRelationshipsWorld, type RelationshipsWorld } from './relationships-world.js';

/** A person given a role is told so by the bot, with what the role allows (issue 12/18). */
describe('a person given a role is told what it allows (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  const give = (roles: string) =>
    w.click(cast.reseller, Verbs.usersUpdateRoles, {
      userId: cast.resellerSales.aadObjectId,
      [rolesInputId(cast.resellerSales.aadObjectId)]: roles,
    });

  it('in English: the new role, who gave it, and what it allows; nothing for roles kept or removed', async () => {
    const saved = await give('salesAgent,adminAgent');
    expect(saved.status).to.equal(200);
    await w.received(cast.resellerSales, 'You have a new role at Contoso Reseller');
    await w.drained();
    const notice = w
      .posted(cast.resellerSales)
      .map((c) => JSON.stringify(c.body))
      .filter((b) => b.includes('You have a new role'));
    expect(notice).to.have.length(1);
    expect(notice[0]).to.include('Admin agent').and.include('Anna Petrova');
    expect(notice[0]).to.include(
      'ask for, authorize, extend or end provider–reseller relationships'
    );
    // Sales agent was held already: only the new role is announced.
    expect(notice[0]).to.not.include('Sales agent');

    // Taking a role away is no "new role" notice.
    await give('salesAgent');
    await w.drained();
    const after = w
      .posted(cast.resellerSales)
      .filter((c) => JSON.stringify(c.body).includes('You have a new role'));
    expect(after).to.have.length(1);
  });

  it('in Russian, for a person who chose Russian', async () => {
    await w.click(cast.resellerSales, Verbs.languageSet, { language: 'ru' });
    await give('salesAgent,helpdeskAgent');
    await w.received(cast.resellerSales, 'У вас новая роль в Contoso Reseller');
    await w.received(cast.resellerSales, 'видеть ваших клиентов и общих клиентов');
  });
});
