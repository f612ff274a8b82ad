import type { Logger } from '../../logging/logger.js';
import { ConflictError, NotAllowedError, NotFoundError } from '../errors.js';
import type { Actor } from '../partners/actor.js';
import type { MembershipService } from '../partners/membership.service.js';
import {
  isApiKeyShaped,
  LAST_USE_EVERY_MS,
  MAX_KEYS_PER_PARTNER,
  newApiKeySecret,
  type ApiKey,
  type ApiKeyScope,
} from './api-key.js';
import type { ApiKeyRepository } from './api-key-repository.port.js';

export interface ApiKeyServiceDeps {
  readonly keys: ApiKeyRepository;
  readonly memberships: Pick<MembershipService, 'authorize'>;
  /** The keyed hash storage keeps (the invitations' SecretHasher). */
  readonly hash: (secret: string) => string;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * Partners' API keys for server-to-server calls: a Global admin creates (the secret is handed
 * out once and stored only as its keyed hash), lists and revokes them; every API call with a
 * key looks it up by that hash in the database, so a revocation holds at once on every process.
 */
export class ApiKeyService {
  private readonly log: Logger;

  constructor(private readonly deps: ApiKeyServiceDeps) {
    this.log = deps.logger.child({ module: 'api-keys' });
  }

  /** A new key of the actor's partner, and its secret (shown once, never stored). */
  async create(
    actor: Actor,
    input: { readonly name: string; readonly scope: ApiKeyScope }
  ): Promise<{ key: ApiKey; secret: string }> {
    const { partner } = await this.authorize(actor);
    if ((await this.deps.keys.countLive(partner.id)) >= MAX_KEYS_PER_PARTNER) {
      throw new ConflictError('apikeys:errors.tooMany', { max: MAX_KEYS_PER_PARTNER });
    }
    const secret = newApiKeySecret();
    const key = await this.deps.keys.insert(
      {
        partnerRef: partner.id,
        tenantId: partner.tenantId,
        name: input.name.trim(),
        scope: input.scope,
        createdAt: this.deps.now(),
        createdBy: { aadObjectId: actor.aadObjectId, ...(actor.name ? { name: actor.name } : {}) },
      },
      this.deps.hash(secret)
    );
    this.log.info({ partnerRef: partner.id, keyId: key.id, scope: key.scope }, 'api key created');
    return { key, secret };
  }

  /** The partner's keys, live and revoked, newest first. */
  async list(actor: Actor): Promise<ApiKey[]> {
    const { partner } = await this.authorize(actor);
    return this.deps.keys.listByPartner(partner.id);
  }

  /** Revokes a key of the actor's partner; revoking a revoked key again answers it as it is. */
  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    const { partner } = await this.authorize(actor);
    const by = { aadObjectId: actor.aadObjectId, ...(actor.name ? { name: actor.name } : {}) };
    const revoked = await this.deps.keys.revoke(partner.id, id, this.deps.now(), by);
    if (revoked) {
      this.log.info({ partnerRef: partner.id, keyId: id }, 'api key revoked');
      return revoked;
    }
    const existing = await this.deps.keys.get(partner.id, id);
    if (!existing) throw new NotFoundError('apikeys:errors.notFound');
    return existing;
  }

  /**
   * The live key a bearer secret is, or undefined (unknown, revoked, not key-shaped). Found by
   * its keyed hash in a unique index, never compared as text; its use is recorded at most once
   * a minute.
   */
  async authenticate(secret: string): Promise<ApiKey | undefined> {
    if (!isApiKeyShaped(secret)) return undefined;
    const key = await this.deps.keys.findByHash(this.deps.hash(secret));
    if (!key || key.revokedAt) return undefined;
    const now = this.deps.now();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USE_EVERY_MS) {
      await this.deps.keys.touch(key.id, now, new Date(now.getTime() - LAST_USE_EVERY_MS));
    }
    return key;
  }

  /**
   * Whether the key an actor is still acts (not revoked): work started with a key and done
   * later (a bulk job's rows) stops with it, as its requests do. A person is always true here.
   */
  async stillActs(actor: Actor): Promise<boolean> {
    if (!actor.apiKey) return true;
    const key = await this.deps.keys.get(actor.apiKey.partnerRef, actor.apiKey.keyId);
    return !!key && !key.revokedAt;
  }

  /** Keys are a Global admin's, a person's: a key never manages keys, whatever its scope. */
  private async authorize(actor: Actor) {
    if (actor.apiKey) throw new NotAllowedError('apikeys:errors.notWithAKey');
    return this.deps.memberships.authorize(actor, 'apiKeys.manage');
  }
}
