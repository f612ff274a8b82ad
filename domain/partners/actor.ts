import type { Role } from './roles.js';

/**
 * Set when a partner's API key acts rather than a person: the key, its partner and the roles
 * its scope gives. Only the API's key lookup makes one; no activity or input can carry it.
 */
export interface ApiKeyGrant {
  readonly keyId: string;
  readonly partnerRef: string;
  readonly roles: readonly Role[];
}

/** Who is acting in a turn: a user of a tenant. Every service call that changes data takes one. */
export interface Actor {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name?: string;
  /** UPN or email from the Teams roster, where Teams gave one. */
  readonly email?: string;
  /** An API key acting as its partner (then `aadObjectId` is `apikey:<id>`, nobody's). */
  readonly apiKey?: ApiKeyGrant;
}

/** A user addressed by a notification or a role grant. */
export interface UserRef {
  readonly tenantId: string;
  readonly aadObjectId: string;
}

/**
 * Whether a recorded person (who decided, who acted) is this user: their own second click is
 * told "done", not "<their name> already did it".
 */
export function isSamePerson(
  a: UserRef | 'system' | undefined,
  b: Pick<UserRef, 'aadObjectId'> & { readonly tenantId?: string }
): boolean {
  return !!a && a !== 'system' && a.tenantId === b.tenantId && a.aadObjectId === b.aadObjectId;
}
