/** Who is acting in a turn: a user of a tenant. Every service call that changes data takes one. */
export interface Actor {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name?: string;
  /** UPN or email from the Teams roster, where Teams gave one. */
  readonly email?: string;
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
