import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key.js';

/** An Action.Execute invoke some bot process has taken on, and its answer once it has one. */
interface InvokeAnswerDoc {
  /** conversation | person | activity id: the replay key. */
  _id: string;
  owner: string;
  /** The answer as JSON text (cards hold `$` keys MongoDB refuses as field names). */
  answer?: string;
  /** When it was taken on: expires with the TTL index like the in-process memo. */
  at: Date;
}

/** Run it here, take the answer another process stored, or wait: another is running it. */
export type InvokeStart<T> =
  | { readonly kind: 'run' }
  | { readonly kind: 'answered'; readonly answer: T }
  | { readonly kind: 'running' };

/** How long an answered invoke is remembered, as the in-process memo does. */
const KEEP_SECONDS = 15 * 60;

const invokeAnswerSchema = new Schema<InvokeAnswerDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    answer: String,
    at: { type: Date, required: true },
  },
  { collection: 'invokeAnswers', versionKey: false }
);
invokeAnswerSchema.index({ at: 1 }, { expireAfterSeconds: KEEP_SECONDS });

export function invokeAnswerModel(conn: mongoose.Connection): Model<InvokeAnswerDoc> {
  return (
    (conn.models.InvokeAnswer as Model<InvokeAnswerDoc> | undefined) ??
    conn.model<InvokeAnswerDoc>('InvokeAnswer', invokeAnswerSchema)
  );
}

/**
 * The replay guard shared by every bot process on one MongoDB: the first process to insert the
 * key runs the invoke, the others answer with what it stored. An entry whose process went away
 * before answering is taken over once it is `staleAfterMs` old.
 */
export class MongoInvokeAnswers<T> {
  private readonly model: Model<InvokeAnswerDoc>;
  private readonly owner = randomUUID();

  constructor(
    connection: mongoose.Connection,
    private readonly staleAfterMs = 30_000,
    private readonly now: () => Date = () => new Date()
  ) {
    this.model = invokeAnswerModel(connection);
  }

  init(): Promise<unknown> {
    return this.model.init();
  }

  async start(key: string): Promise<InvokeStart<T>> {
    const at = this.now();
    try {
      await this.model.create({ _id: key, owner: this.owner, at });
      return { kind: 'run' };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const found = await this.model.findById(key).lean<InvokeAnswerDoc>();
    if (found?.answer !== undefined)
      return { kind: 'answered', answer: JSON.parse(found.answer) as T };
    if (!found || found.at.getTime() < at.getTime() - this.staleAfterMs) {
      // Gone (expired, abandoned) or left by a process that died: one taker wins the update.
      const taken = await this.model
        .updateOne(
          { _id: key, answer: { $exists: false }, ...(found ? { at: found.at } : {}) },
          { $set: { owner: this.owner, at } },
          { upsert: !found }
        )
        .catch((err: unknown) => {
          if (isDuplicateKey(err)) return { modifiedCount: 0, upsertedCount: 0 };
          throw err;
        });
      if (taken.modifiedCount + taken.upsertedCount === 1) return { kind: 'run' };
    }
    return { kind: 'running' };
  }

  async finish(key: string, answer: T): Promise<void> {
    await this.model.updateOne(
      { _id: key, owner: this.owner },
      { $set: { answer: JSON.stringify(answer) } }
    );
  }

  async abandon(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key, owner: this.owner, answer: { $exists: false } });
  }
}
