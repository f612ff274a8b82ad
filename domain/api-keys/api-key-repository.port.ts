import type { ApiKey } from './api-key.js';

/** Partners' API keys, found by the keyed hash of their secret (a unique index). */
export interface ApiKeyRepository {
  insert(key: Omit<ApiKey, 'id'>, secretHash: string): Promise<ApiKey>;
  /** The key whose secret has this keyed hash, revoked or not. */
  findByHash(secretHash: string): Promise<ApiKey | null>;
  listByPartner(partnerRef: string): Promise<ApiKey[]>;
  /** How many of the partner's keys are not revoked. */
  countLive(partnerRef: string): Promise<number>;
  /** Revokes a live key of this partner; null when there is none by that id (or not live). */
  revoke(
    partnerRef: string,
    id: string,
    at: Date,
    by: ApiKey['revokedBy'] & object
  ): Promise<ApiKey | null>;
  get(partnerRef: string, id: string): Promise<ApiKey | null>;
  /** Records a use unless one was recorded after `notAfter` (one write a minute at most). */
  touch(id: string, at: Date, notAfter: Date): Promise<void>;
}
