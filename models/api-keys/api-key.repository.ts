import mongoose, { type Model } from 'mongoose';
import type { ApiKey } from '../../domain/api-keys/api-key.js';
import type { ApiKeyRepository } from '../../domain/api-keys/api-key-repository.port.js';
import { apiKeyModel, type ApiKeyDoc } from './api-key.schema.js';

/** ApiKeyRepository on MongoDB (collection `api_keys`); read on every call, never cached. */
export class MongoApiKeyRepository implements ApiKeyRepository {
  private readonly model: Model<ApiKeyDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = apiKeyModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async insert(key: Omit<ApiKey, 'id'>, secretHash: string): Promise<ApiKey> {
    const doc = await this.model.create({ ...key, secretHash });
    return toKey(doc.toObject());
  }

  async findByHash(secretHash: string): Promise<ApiKey | null> {
    const doc = await this.model.findOne({ secretHash }).lean<ApiKeyDoc>();
    return doc ? toKey(doc) : null;
  }

  async listByPartner(partnerRef: string): Promise<ApiKey[]> {
    const docs = await this.model
      .find({ partnerRef })
      .sort({ createdAt: -1, _id: -1 })
      .lean<ApiKeyDoc[]>();
    return docs.map(toKey);
  }

  async countLive(partnerRef: string): Promise<number> {
    return this.model.countDocuments({ partnerRef, revokedAt: { $exists: false } });
  }

  async get(partnerRef: string, id: string): Promise<ApiKey | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.model.findOne({ _id: id, partnerRef }).lean<ApiKeyDoc>();
    return doc ? toKey(doc) : null;
  }

  async revoke(
    partnerRef: string,
    id: string,
    at: Date,
    by: { aadObjectId: string; name?: string }
  ): Promise<ApiKey | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    // One conditional update: two revocations at once revoke it once (the first one's time).
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, partnerRef, revokedAt: { $exists: false } },
        { $set: { revokedAt: at, revokedBy: by } },
        { returnDocument: 'after' }
      )
      .lean<ApiKeyDoc>();
    return doc ? toKey(doc) : null;
  }

  async touch(id: string, at: Date, notAfter: Date): Promise<void> {
    // Conditional, so processes racing on one key write once a minute between them.
    await this.model.updateOne(
      {
        _id: id,
        $or: [{ lastUsedAt: { $exists: false } }, { lastUsedAt: { $lte: notAfter } }],
      },
      { $set: { lastUsedAt: at } }
    );
  }
}

function toKey(doc: ApiKeyDoc): ApiKey {
  return {
    id: String(doc._id),
    partnerRef: doc.partnerRef,
    tenantId: doc.tenantId,
    name: doc.name,
    scope: doc.scope,
    createdAt: doc.createdAt,
    createdBy: {
      aadObjectId: doc.createdBy.aadObjectId,
      ...(doc.createdBy.name ? { name: doc.createdBy.name } : {}),
    },
    ...(doc.lastUsedAt ? { lastUsedAt: doc.lastUsedAt } : {}),
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt } : {}),
    ...(doc.revokedBy
      ? {
          revokedBy: {
            aadObjectId: doc.revokedBy.aadObjectId,
            ...(doc.revokedBy.name ? { name: doc.revokedBy.name } : {}),
          },
        }
      : {}),
  };
}
