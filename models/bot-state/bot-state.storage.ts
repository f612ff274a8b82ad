import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { botStateModel, type BotStateDoc } from './bot-state.schema.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { known, rememberWritten } from '../turn-memo.js';
import { registerTurnRead } from '../turn-reads.js';

const MEMO = 'botstate';

// The conversation's state items, for the turn's prefetch (models/turn-reads.ts).
registerTurnRead<BotStateDoc>({
  collection: MEMO,
  many: true,
  match: ({ stateKeys }) => (stateKeys.length ? { _id: { $in: [...stateKeys] } } : undefined),
  remember: (found, { stateKeys }) => {
    for (const key of stateKeys)
      rememberWritten(MEMO, key, found.find((d) => d._id === key) ?? null);
  },
});

/** The shape of botbuilder's `Storage` (structural, so models/ needs no botbuilder import). */
export interface StoreItems {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * botbuilder `Storage` on MongoDB (collection `botstate`) with eTag optimistic concurrency:
 * a write whose item carries the eTag it was read with fails if someone wrote in between;
 * `*` or no eTag overwrites. Semantics follow botbuilder's MemoryStorage. Items the turn's
 * prefetch already read (models/turn-reads.ts) are not read again; any write forgets them.
 */
export class MongoBotStorage {
  private readonly model: mongoose.Model<BotStateDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = botStateModel(conn);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new Error('Keys are required when reading');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const docs: (BotStateDoc | null)[] = [];
    const unknown: string[] = [];
    for (const key of keys) {
      const held = known<BotStateDoc | null>(MEMO, key);
      if (held) docs.push(await held);
      else unknown.push(key);
    }
    if (unknown.length) {
      docs.push(...(await this.model.find({ _id: { $in: unknown } }).lean<BotStateDoc[]>()));
    }
    for (const doc of docs) {
      if (doc) items[doc._id] = { ...JSON.parse(doc.data), eTag: doc.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new Error('Changes are required when writing');
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...value } = (item ?? {}) as { eTag?: string };
      const next = { data: JSON.stringify(value), eTag: randomUUID(), updatedAt: new Date() };
      if (!eTag || eTag === '*') {
        await this.model.updateOne({ _id: key }, { $set: next }, { upsert: true });
      } else {
        await this.writeIfUnchanged(key, eTag, next);
      }
      // Later saves in the same turn then carry the current eTag instead of a stale one.
      if (item && typeof item === 'object' && eTag && eTag !== '*') item.eTag = next.eTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new Error('Keys are required when deleting');
    if (keys.length > 0) await this.model.deleteMany({ _id: { $in: keys } });
  }

  /**
   * Claims `key` once: true for the first caller, false for everyone after (until released).
   * An insert on the unique _id, so two turns racing (Teams sends conversationUpdate and
   * installationUpdate together on install) cannot both win.
   */
  async claim(key: string): Promise<boolean> {
    try {
      await this.model.create({ _id: key, data: '{}', eTag: randomUUID(), updatedAt: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Releases a claim, so the next `claim(key)` wins again. */
  async release(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key });
  }

  /** A single conditional update; a missing item is created, as MemoryStorage does. */
  private async writeIfUnchanged(
    key: string,
    eTag: string,
    next: Omit<BotStateDoc, '_id'>
  ): Promise<void> {
    const updated = await this.model.updateOne({ _id: key, eTag }, { $set: next });
    if (updated.matchedCount === 1) return;
    try {
      await this.model.create({ _id: key, ...next });
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict(key);
      throw err;
    }
  }
}

function conflict(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}
