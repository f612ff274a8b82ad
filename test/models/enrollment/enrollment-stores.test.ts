import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import type { NewPartner } from '../../../domain/partners/partner.js';
import { DuplicatePartnerError } from '../../../domain/partners/partner-repository.port.js';
import { testLogger } from '../../../logging/logger.js';
import { createEnrollmentStores } from '../../../models/enrollment/enrollment-stores.js';
import { embeddedStores } from './store-factories.js';
import { validAnswers } from '../../domain/enrollment/enrollment-world.js';
import { validateAnswers } from '../../../domain/partners/partner-profile.js';

function newPartner(tenantId: string, partnerId: string): NewPartner {
  const v = validateAnswers({ ...validAnswers(), partnerId });
  if (!v.ok) throw new Error('fixture');
  return {
    ...v.value,
    tenantId,
    status: 'emailVerificationPending',
    submittedBy: { tenantId, aadObjectId: 'u1', name: 'Anna' },
    submittedAt: new Date('2026-11-25T10:00:00Z'),
  };
}

describe('enrollment stores on the embedded database', () => {
  it('refuses a second partner for a tenant or a PartnerID through the unique indexes', async () => {
    const s = await embeddedStores();
    try {
      const p = await s.partners.create(newPartner('t1', '123456'));
      expect(p.id).to.match(/^[0-9a-f]{24}$/);
      expect(p).to.not.have.property('addressLine2');
      let err: unknown;
      await s.partners.create(newPartner('t1', '654321')).catch((e) => (err = e));
      expect(err).to.be.instanceOf(DuplicatePartnerError);
      expect((err as DuplicatePartnerError).field).to.equal('tenantId');
      await s.partners.create(newPartner('t2', '123456')).catch((e) => (err = e));
      expect((err as DuplicatePartnerError).field).to.equal('partnerId');
      expect(await s.partners.findByTenant('t2')).to.equal(null);
    } finally {
      await s.close();
    }
  });

  it('applies a transition only from the expected status, and clears fields', async () => {
    const s = await embeddedStores();
    try {
      const p = await s.partners.create({ ...newPartner('t1', '123456'), region: 'Berlin' });
      expect(
        await s.partners.transition(p.id, 'underReview', { set: { status: 'approved' } })
      ).to.equal(null);
      const moved = await s.partners.transition(p.id, 'emailVerificationPending', {
        set: { status: 'underReview' },
        unset: ['region'],
      });
      expect(moved?.status).to.equal('underReview');
      expect(moved).to.not.have.property('region');
      expect(await s.partners.get('not-an-object-id')).to.equal(null);
      expect(await s.partners.transition('not-an-object-id', 'underReview', { set: {} })).to.equal(
        null
      );
    } finally {
      await s.close();
    }
  });

  it('keeps a draft across a database restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enroll-restart-'));
    try {
      const user = { tenantId: 't1', aadObjectId: 'u1' };
      for (const phase of ['write', 'read'] as const) {
        const db = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
        const conn = await mongoose.createConnection(db.uri, { dbName: 'enroll' }).asPromise();
        const stores = await createEnrollmentStores(conn);
        if (phase === 'write') {
          await stores.drafts.save({
            ...user,
            answers: { partnerType: 'provider' },
            step: 'tenant',
            updatedAt: new Date(),
          });
        } else {
          const draft = await stores.drafts.get(user);
          expect(draft?.step).to.equal('tenant');
          expect(draft?.answers).to.deep.equal({ partnerType: 'provider' });
        }
        await conn.close();
        await db.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
