import type { GdapStatus } from './gdap.js';

/** A delegatedAdminRelationship as the product reads it back from Graph. */
export interface GraphGdapRelationship {
  readonly id: string;
  readonly displayName: string;
  /** Undefined for a status Graph added after this code (`unknownFutureValue`). */
  readonly status?: GdapStatus;
  readonly endDateTime?: Date;
  /** PT0S, P0D or P180D as Graph has it. */
  readonly autoExtendDuration?: string;
  /** `@odata.etag`: an update must name it (If-Match), so a change made meanwhile wins. */
  readonly etag?: string;
}

/** What the product asks Graph to create (POST /tenantRelationships/delegatedAdminRelationships). */
export interface GdapCreate {
  readonly displayName: string;
  readonly customerTenantId: string;
  readonly customerName: string;
  readonly roleDefinitionIds: readonly string[];
  /** ISO 8601: P1D to P2Y. */
  readonly duration: string;
  /** PT0S or P180D. */
  readonly autoExtendDuration: string;
}

/**
 * Graph answered with a refusal the product cannot fix by retrying: 400 (a role, a duration,
 * a name it refuses) or 401/403 (consent missing or withdrawn).
 */
export class GraphRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string
  ) {
    super(`Graph refused the call (${status} ${code})`);
    this.name = 'GraphRefusedError';
  }
}

/**
 * Microsoft Graph's GDAP API, called as the partner's tenant (client credentials). Faults that
 * a retry may cure (5xx, 429 past its budget, the network) throw anything but GraphRefusedError.
 */
export interface GraphGateway {
  /** The partner's relationship of that display name, if any (the idempotency look-up). */
  findByDisplayName(tenantId: string, displayName: string): Promise<GraphGdapRelationship | null>;
  create(tenantId: string, input: GdapCreate): Promise<GraphGdapRelationship>;
  /** Null when Graph no longer knows it (404). */
  get(tenantId: string, id: string): Promise<GraphGdapRelationship | null>;
  /**
   * PATCH of its auto-extend, If-Match `etag` (Graph allows it while `created` or `active`).
   * An etag that no longer matches throws a retryable fault: the caller reads it again.
   */
  updateAutoExtend(
    tenantId: string,
    id: string,
    etag: string,
    autoExtendDuration: string
  ): Promise<GraphGdapRelationship>;
  /** POST …/{id}/requests with `lockForApproval` or `terminate`. */
  request(tenantId: string, id: string, action: 'lockForApproval' | 'terminate'): Promise<void>;
}
