import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  isWaiting,
  type NewResellerInvitation,
} from '../../../domain/relationships/reseller-invitation.js';
import { MongoResellerInvitationRepository } from '../../../models/relationships/reseller-invitation.repository.js';
import { startBotHarness, type BotHarness } from '../../bot/bot-harness.js';

describe('reseller invitation repository: waiting as the domain says', () => {
  let harness: BotHarness;
  let repo: MongoResellerInvitationRepository;
  before(async () => {
    harness = await startBotHarness();
    repo = new MongoResellerInvitationRepository(harness.db.connection);
    await repo.init();
  });
  after(async () => harness?.stop());

  const now = new Date('2026-12-01T09:00:00Z');
  const person = { tenantId: 'provider-tenant', aadObjectId: 'p-admin' };
  const newInvitation = (providerRef: string, minutes: number): NewResellerInvitation => ({
    providerRef,
    email: 'admin@contoso.example',
    grant: { roles: ['globalReader'], durationDays: 365, autoExtend: false },
    createdBy: person,
    createdAt: new Date(now.getTime() + minutes * 60_000),
    expiresAt: new Date(now.getTime() + 86_400_000),
    tokenHash: randomUUID(),
    codeHash: randomUUID(),
  });

  it('lists, revokes and resends only the invitations isWaiting accepts', async () => {
    const providerRef = randomUUID();
    const [waiting, accepted, revoked] = await Promise.all(
      [1, 2, 3].map((m) => repo.create(newInvitation(providerRef, m)))
    );
    const reseller = { resellerRef: randomUUID(), person };
    expect(await repo.accept(accepted!.id, reseller, now)).to.not.equal(null);
    expect(await repo.revoke(revoked!.id, providerRef)).to.not.equal(null);

    const all = await Promise.all([waiting, accepted, revoked].map((i) => repo.get(i!.id)));
    const listed = await repo.listWaiting(providerRef, now, 10);
    expect(listed.map((i) => i.id)).to.deep.equal(
      all.filter((i) => i && isWaiting(i)).map((i) => i!.id)
    );
    expect(listed.map((i) => i.id)).to.deep.equal([waiting!.id]);

    const secrets = { tokenHash: randomUUID(), codeHash: randomUUID(), expiresAt: now };
    for (const done of [accepted!, revoked!]) {
      expect(await repo.revoke(done.id, providerRef)).to.equal(null);
      expect(await repo.renew(done.id, providerRef, secrets, now, now)).to.equal(null);
    }
    expect(await repo.renew(waiting!.id, providerRef, secrets, now, now)).to.not.equal(null);
  });
});
