import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What the HKDF derivation is for: a key derived for another use never opens these. */
const INFO = 'partner-connect/outbox-sealed/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals the secret part of an outbox item (an invitation's link and code, which the database
 * otherwise keeps only as keyed hashes): AES-256-GCM under a key derived with HKDF-SHA256 from
 * `INVITATION_CODE_KEY`, so a copy of the database alone reads nothing and a changed byte is
 * refused. `v1.<iv>.<tag>.<ciphertext>`, base64url. The item's id is the additional data: a
 * sealed part copied onto another item does not open there.
 */
export class SealedBox {
  private readonly key: Buffer;

  /** `info` names the use: another use (webhook secrets, a bulk job's links and codes) derives its own key, never the outbox's. */
  constructor(secret: Uint8Array, info: string = INFO) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  }

  seal(value: unknown, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return `v1.${parts.join('.')}`;
  }

  /** The sealed value; throws when it was sealed under another key or for another item. */
  open(sealed: string, aad: string): unknown {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined)
      throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(text) as unknown;
  }
}
