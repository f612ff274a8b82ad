import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logging/logger.js';
import type { Config } from './config.js';

/** Where open mode keeps the key it generated: beside the database folder, not in it. */
export const GENERATED_KEY_FILE = path.join('secrets', 'invitation-code.key');
const KEY_BYTES = 32;

/**
 * The key of the stored invitation hashes: `INVITATION_CODE_KEY` when set (required with
 * MicrosoftAppId and MONGODB_URI, config.ts), else, for `npm start` with no set-up and for the
 * embedded database, 32 random bytes generated once into `DATA_DIR/secrets/invitation-code.key`
 * (0600 in a 0700 folder, beside the database's `db/`, so a copy of `db/` alone is no help) and
 * read from there on every later start. A file that is there but unreadable as a key stops
 * the start: a new key would silently make every invitation's link and code unknown.
 */
export async function invitationCodeKey(
  config: Pick<Config, 'invitationCodeKey' | 'dataDir' | 'mongodbUri'>,
  logger: Logger
): Promise<Buffer> {
  if (config.invitationCodeKey) return config.invitationCodeKey;
  const file = path.join(config.dataDir, GENERATED_KEY_FILE);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.chmod(path.dirname(file), 0o700);
  try {
    // `wx`: two processes starting on one data dir at once keep one key, the first written.
    await fs.writeFile(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    logger
      .child({ module: 'config' })
      .info({ file }, 'INVITATION_CODE_KEY unset: generated one and kept it in the data dir');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (config.mongodbUri) {
    // Open mode on a shared database: another process with its own data dir has its own key,
    // and the links and codes one of them hands out are unknown to the other.
    logger
      .child({ module: 'config' })
      .warn('INVITATION_CODE_KEY unset with MONGODB_URI: every process on it needs the same key');
  }
  const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
  if (key.length < KEY_BYTES) {
    throw new Error(`${file} holds no invitation code key: set INVITATION_CODE_KEY or restore it`);
  }
  return key;
}
