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
