import { randomBytes } from 'node:crypto';
import type { Role } from '../partners/roles.js';

/** What a key may do: read (GET only), or read and write as an Admin agent. */
export const API_KEY_SCOPES = ['read', 'read-write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Every key starts so: the bearer check tells a key from an SSO token or a session by it. */
export const API_KEY_PREFIX = 'pck_';
/** 32 random bytes (256 bits), base64url: 43 characters after the prefix. */
const API_KEY_BYTES = 32;
/** Last use is written at most this often per key, to spare a write on every call. */
export const LAST_USE_EVERY_MS = 60_000;
/** How many live keys a partner may hold (a soft cap: two creates racing may pass it by one). */
export const MAX_KEYS_PER_PARTNER = 50;

/**
 * The roles a key acts with, under the same role matrix as people: a read key as a Helpdesk
 * agent (views only), a read-write key as an Admin agent. Never Global admin (keys and roles
 * stay a person's business), and a key is never an operator.
 */
export const SCOPE_ROLES: Record<ApiKeyScope, readonly Role[]> = {
  read: ['helpdeskAgent'],
  'read-write': ['adminAgent'],
};

/** A partner's API key as stored: the keyed hash of the secret, never the secret. */
export interface ApiKey {
  readonly id: string;
  readonly partnerRef: string;
  readonly tenantId: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
  readonly createdAt: Date;
  readonly createdBy: { readonly aadObjectId: string; readonly name?: string };
  readonly lastUsedAt?: Date;
  readonly revokedAt?: Date;
  readonly revokedBy?: { readonly aadObjectId: string; readonly name?: string };
}

/** A new secret, shown once: `pck_` and 43 base64url characters. */
export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(API_KEY_BYTES).toString('base64url');
}

/** Whether a bearer token is meant as an API key (then only the key lookup may accept it). */
export function isApiKeyShaped(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
