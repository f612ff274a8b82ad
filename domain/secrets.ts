import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Secrets handed out in links and codes (invitations). A link's token carries 256 random bits; a
 * code is short enough to type from a mail (40 bits, case-insensitive, no 0/O or 1/I/L to
 * confuse), with a letter saying what it opens. Only their hashes are stored, so a copy of the
 * database opens nothing; a code's few bits are safe because guessing is throttled per person.
 */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** `R-7KQ3-M9XD`: the kind's letter, then eight characters in two groups. */
export function newCode(kind: string): string {
  let body = '';
  for (let i = 0; i < CODE_LENGTH; i++) body += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${kind}-${body.slice(0, 4)}-${body.slice(4)}`;
}

/** The code as typed (any case, with or without dashes and spaces) in its canonical form. */
export function normalizeCode(typed: string): string {
  const plain = typed.toUpperCase().replace(/[\s-]+/g, '');
  if (!/^[A-Z][2-9A-Z]{8}$/.test(plain)) return '';
  return `${plain[0]}-${plain.slice(1, 5)}-${plain.slice(5)}`;
}

/** The kind letter of a canonical code ('' when it is not one). */
export function codeKind(code: string): string {
  return normalizeCode(code).slice(0, 1);
}

/** SHA-256, hex: what is stored and looked up instead of a token or code. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A token as it may appear in a URL path: base64url of 32 bytes, nothing else. */
export function isLinkToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
