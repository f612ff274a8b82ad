import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import type { InvitationKind } from './invitation.js';

/** 32 random bytes: 256 bits, base64url (43 characters), well above the 128 asked for. */
export const TOKEN_BYTES = 32;

/**
 * Code letters: digits and capitals without the look-alikes (0/O, 1/I/L, U/V), so a code read
 * aloud or copied by hand is typed right. 30 symbols.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random symbols after the kind letter: 30^11 ≈ 2^54, guessed only through the throttle. */
export const CODE_RANDOM_LENGTH = 11;

/** The code's first letter: which kind of invitation it opens, before any lookup. */
export const KIND_LETTER: Record<InvitationKind, string> = { customer: 'C', reseller: 'R' };

/** What is handed to the inviter once: the token of the link and the typed code. */
export interface InvitationSecrets {
  readonly token: string;
  readonly code: string;
}

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** `C7K2-M9QX-4HTP`: the kind letter, then 11 random symbols, in groups of four. */
export function newCode(kind: InvitationKind): string {
  let raw = KIND_LETTER[kind];
  for (let i = 0; i < CODE_RANDOM_LENGTH; i++)
    raw += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return formatCode(raw);
}

export function formatCode(raw: string): string {
  return raw.match(/.{1,4}/g)!.join('-');
}

/**
 * A typed code as stored: case-insensitive, spaces and dashes ignored. Undefined when it cannot
 * be a code at all (wrong length or a letter outside the alphabet), so no guess is counted.
 */
export function normalizeCode(typed: string): string | undefined {
  const raw = typed.toUpperCase().replace(/[\s-]/g, '');
  if (raw.length !== CODE_RANDOM_LENGTH + 1) return undefined;
  if (!Object.values(KIND_LETTER).includes(raw[0])) return undefined;
  for (const c of raw.slice(1)) if (!CODE_ALPHABET.includes(c)) return undefined;
  return raw;
}

/** The kind a normalized code names. */
export function kindOfCode(normalized: string): InvitationKind {
  return normalized[0] === KIND_LETTER.reseller ? 'reseller' : 'customer';
}

/** A token looks like one of ours (43 base64url characters). */
export function looksLikeToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

/** The least key length accepted: as many bits as the HMAC's SHA-256. */
export const SECRET_KEY_MIN_BYTES = 32;

/**
 * Hashes invitation tokens and codes for storage and lookup: HMAC-SHA256 under a server key
 * (`INVITATION_CODE_KEY`), so a copy of the database alone cannot be searched offline. A code
 * has 54 random bits, which a plain hash would give up to anyone able to compute 2^54 hashes;
 * without the key, not one guess can be checked outside the throttle.
 */
export class SecretHasher {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length < SECRET_KEY_MIN_BYTES) {
      throw new Error(`the invitation code key must have at least ${SECRET_KEY_MIN_BYTES} bytes`);
    }
    this.key = Buffer.from(key);
  }

  /** The keyed hash (hex) of a token or a normalized code: what storage keeps. */
  hash(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('hex');
  }

  /**
   * Finds what a secret opens: by its keyed hash, then by the plain SHA-256 that invitations
   * made before the key stored (they keep working until they expire or are resent, when they
   * get keyed hashes). A keyed hash can never equal a plain one, so neither lookup finds the
   * other kind's invitation.
   */
  async find<T>(secret: string, find: (hash: string) => Promise<T | null>): Promise<T | null> {
    return (await find(this.hash(secret))) ?? find(unkeyedHash(secret));
  }
}

/** SHA-256 hex: how hashes were stored before the key, looked up only for those invitations. */
export function unkeyedHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
