import { expect } from 'chai';
import type { Actor } from '../../../domain/partners/actor.js';
import { DomainError } from '../../../domain/errors.js';
import { applicant, buildWorld } from '../enrollment/enrollment-world.js';
import { storeFactories } from '../../models/enrollment/store-factories.js';

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

for (const [storeName, stores] of storeFactories()) {
  describe(`users and roles (${storeName})`, () => {
    let w: Awaited<ReturnType<typeof buildWorld>>;
    let admin: Actor;
    let bob: Actor;
    let partnerRef: string;
    beforeEach(async () => {
      w = await buildWorld(stores);
      admin = applicant('Anna Admin');
      bob = {
        tenantId: admin.tenantId,
        aadObjectId: 'bob',
        name: 'Bob Sales',
        email: 'bob@contoso.example',
      };
      w.know(admin);
      w.know(bob);
      partnerRef = (await w.enroll(admin)).id;
    });
    afterEach(async () => w.close());

    it("lists the tenant's known users with their roles, for a Global admin only", async () => {
      const stranger = { tenantId: 'other-tenant', aadObjectId: 'eve', name: 'Eve' };
      w.know(stranger);
      const { users } = await w.memberships.listUsers(admin);
      expect(users.map((u) => [u.name, u.roles])).to.deep.equal([
        ['Anna Admin', ['globalAdmin', 'adminAgent']],
        ['Bob Sales', []],
      ]);
      expect((await errorOf(w.memberships.listUsers(bob))).code).to.equal('NotAllowed');
    });

    it('grants and removes roles', async () => {
      const granted = await w.memberships.setRoles(admin, 'bob', [
        'salesAgent',
        'helpdeskAgent',
        'bogus',
      ]);
      expect(granted.roles).to.deep.equal(['salesAgent', 'helpdeskAgent']);
      expect((await w.memberships.rolesOf(bob)).roles).to.deep.equal([
        'salesAgent',
        'helpdeskAgent',
      ]);
      expect(await w.memberships.usersWithRoles(partnerRef, ['salesAgent'])).to.deep.equal([
        { tenantId: admin.tenantId, aadObjectId: 'bob' },
      ]);
      await w.memberships.setRoles(admin, 'bob', []);
      expect((await w.memberships.rolesOf(bob)).roles).to.deep.equal([]);
      expect(await w.memberships.usersWithRoles(partnerRef, ['salesAgent'])).to.deep.equal([]);
    });

    it('lets only a Global admin change roles', async () => {
      await w.memberships.setRoles(admin, 'bob', ['adminAgent']);
      expect((await errorOf(w.memberships.setRoles(bob, 'bob', ['globalAdmin']))).code).to.equal(
        'NotAllowed'
      );
    });

    it('refuses to remove the last Global admin, also from themselves', async () => {
      const err = await errorOf(w.memberships.setRoles(admin, admin.aadObjectId, ['adminAgent']));
      expect(err.messageKey).to.equal('enrollment:errors.lastGlobalAdmin');
      await w.memberships.setRoles(admin, 'bob', ['globalAdmin']);
      await w.memberships.setRoles(admin, admin.aadObjectId, ['adminAgent']);
      expect((await w.memberships.rolesOf(admin)).roles).to.deep.equal(['adminAgent']);
    });

    it('keeps one Global admin when two remove each other at the same time', async () => {
      await w.memberships.setRoles(admin, 'bob', ['globalAdmin']);
      const results = await Promise.allSettled([
        w.memberships.setRoles(admin, 'bob', []),
        w.memberships.setRoles(bob, admin.aadObjectId, []),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled').length).to.be.at.least(1);
      const admins = await w.memberships.usersWithRoles(partnerRef, ['globalAdmin']);
      expect(admins).to.have.length(1);
    });

    it('never reaches a user or partner of another tenant', async () => {
      const eve = { tenantId: 'other-tenant', aadObjectId: 'eve', name: 'Eve' };
      w.know(eve);
      expect((await errorOf(w.memberships.setRoles(admin, 'eve', ['salesAgent']))).code).to.equal(
        'NotFound'
      );
      // Same object id as the admin but another tenant: no roles, no partner.
      const impostor = { ...admin, tenantId: 'other-tenant' };
      expect(await w.memberships.rolesOf(impostor)).to.deep.equal({ partner: null, roles: [] });
      expect((await errorOf(w.memberships.listUsers(impostor))).code).to.equal('NotFound');
    });

    it('tells operators apart by configuration', () => {
      expect(w.memberships.isOperator({ tenantId: 'x', aadObjectId: 'op-1' })).to.equal(true);
      expect(w.memberships.isOperator(admin)).to.equal(false);
    });
  });
}
