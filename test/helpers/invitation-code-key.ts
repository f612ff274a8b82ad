import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GENERATED_KEY_FILE } from '../../config/invitation-code-key.js';

/** The key a test app generated into its data dir (no INVITATION_CODE_KEY set). */
export function generatedKey(dataDir: string): Buffer {
  return Buffer.from(
    fs.readFileSync(path.join(dataDir, GENERATED_KEY_FILE), 'utf8').trim(),
    'base64'
  );
}

/** HMAC-SHA256 hex of a token or normalized code, computed here apart from the product's code. */
export function keyedHash(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}
