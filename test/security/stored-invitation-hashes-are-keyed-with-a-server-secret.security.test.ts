import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { productModules, type ProductModules } from '../../app-modules.js';
import { GENERATED_KEY_FILE } from '../../config/invitation-code-key.js';
import { Verbs } from '../../cards/verbs.js';
import { cast, startRelationshipsWorld } from '../e2e/relationships/relationships-world.js';
import { generatedKey, keyedHash } from '../helpers/invitation-code-key.js';
import { startTestApp } from '../helpers/test-app.js';

/**
 * Invitation links and codes are stored as HMAC-SHA256 under a server key, never as a plain
 * hash: a copy of the database alone cannot be searched for the 54-bit codes offline. With no
 * INVITATION_CODE_KEY (open mode) the key is generated once into the data dir, owner-only, and
 * read again on the next start; invitations stored before the key (plain SHA-256) still open.
 */

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const normalized = (code: string) => code.replace(/-/g, '');

describe('security: stored invitation hashes are keyed with a server secret (real server)', function () {
  this.timeout(120_000);

  describe('in open mode (no INVITATION_CODE_KEY)', () => {
    let w: Awaited<ReturnType<typeof startRelationshipsWorld>>;
    before(async () => {
      w = await startRelationshipsWorld();
    });
    after(async () => w?.stop());

    it('stores HMACs of customer and reseller secrets, not their SHA-256; the key matches them', async () => {
      const key = generatedKey(w.app.dataDir);
      expect(key.length).to.be.at.least(32);
      const { secrets, view } = await w.app.app.modules.invitations.service.inviteCustomer(
        cast.reseller,
        {
          companyName: 'Keyed Traders',
        }
      );
      const doc = await w
        .collection('invitations')
        .findOne({ _id: new mongoose.Types.ObjectId(view.invitation.id) });
      expect(doc?.codeHash).to.not.equal(sha256(normalized(secrets.code)));
      expect(doc?.tokenHash).to.not.equal(sha256(secrets.token));
      expect(doc?.codeHash).to.equal(keyedHash(key, normalized(secrets.code)));
      expect(doc?.tokenHash).to.equal(keyedHash(key, secrets.token));

      const sent = await w.app.app.modules.relationships.invitations.invite(
        cast.provider,
        {
          email: 'keyed@tailspin.example',
          grant: { roles: ['globalReader'], durationDays: 365, autoExtend: false },
        },
        'en'
      );
      const token = sent.link.split('/').pop()!;
      const stored = await w
        .collection('resellerInvitations')
        .findOne({ email: 'keyed@tailspin.example' });
      expect(stored?.tokenHash).to.equal(keyedHash(key, token));
      expect(stored?.codeHash).to.equal(keyedHash(key, normalized(sent.code)));
      expect(stored?.codeHash).to.not.equal(sha256(normalized(sent.code)));
    });

    it('keeps the generated key owner-only (0600 in a 0700 folder)', () => {
      const file = path.join(w.app.dataDir, GENERATED_KEY_FILE);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    });

    it('still opens and accepts an invitation stored before the key (plain SHA-256)', async () => {
      const { view } = await w.app.app.modules.invitations.service.inviteCustomer(cast.reseller, {
        companyName: 'Legacy Traders',
      });
      // As the previous version stored it: plain hashes of a code and token it handed out.
      const code = 'CK2M-9QX4-HTPA';
      const token = 'L'.repeat(43);
      await w
        .collection('invitations')
        .updateOne(
          { _id: new mongoose.Types.ObjectId(view.invitation.id) },
          { $set: { codeHash: sha256(normalized(code)), tokenHash: sha256(token) } }
        );
      const page = await fetch(`${w.app.url}/invitations/${token}`);
      expect(page.status).to.equal(200);
      const opened = await w.say(cast.customer, `accept ${code}`);
      expect(opened.seen).to.include('Legacy Traders');
      const accepted = await w.click(cast.customer, Verbs.invitationAccept, {
        invitationRef: view.invitation.id,
      });
      expect(accepted.seen).to.include('You are its admin');
    });
  });

  it('reads the generated key again on the next start, never drawing a new one', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-key-'));
    const start = () =>
      startTestApp<ProductModules>({}, { dataDir, modules: (ctx) => productModules(ctx) });
    try {
      const first = await start();
      const key = generatedKey(dataDir);
      await first.stop();
      const second = await start();
      await second.stop();
      expect(generatedKey(dataDir).equals(key), 'a new key makes every link unknown').to.equal(
        true
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses INVITATION_CODE_KEY when set, and writes no key file', async () => {
    const key = Buffer.alloc(32, 0x5a);
    const w = await startRelationshipsWorld({ INVITATION_CODE_KEY: key.toString('hex') });
    try {
      expect(fs.existsSync(path.join(w.app.dataDir, GENERATED_KEY_FILE))).to.equal(false);
      const { view, secrets } = await w.app.app.modules.invitations.service.inviteCustomer(
        cast.reseller,
        { companyName: 'Configured Traders' }
      );
      expect(view.invitation.codeHash).to.equal(keyedHash(key, normalized(secrets.code)));
      expect((await w.say(cast.customer, `accept ${secrets.code}`)).seen).to.include(
        'Configured Traders'
      );
    } finally {
      await w.stop();
    }
  });
});
