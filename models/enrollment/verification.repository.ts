import type mongoose from 'mongoose';
import type {
  EmailVerification,
  PersonThrottle,
  VerificationRepository,
} from '../../domain/enrollment/verification-repository.port.js';
import {
  verificationThrottleModel,
  type VerificationThrottleDoc,
} from './verification-throttle.schema.js';
import { duplicateKeyField } from '../duplicate-key.js';
import { verificationModel, type VerificationDoc } from './verification.schema.js';

/**
 * VerificationRepository on MongoDB: codes in `emailVerifications` (unique `subjectId`), each
 * person's throttle in `verificationThrottles` (unique `subjectId` + `personKey`).
 */
export class MongoVerificationRepository implements VerificationRepository {
  private readonly model: mongoose.Model<VerificationDoc>;
  private readonly throttles: mongoose.Model<VerificationThrottleDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = verificationModel(conn);
    this.throttles = verificationThrottleModel(conn);
  }

  async personThrottle(subjectId: string, personKey: string): Promise<PersonThrottle | null> {
    const doc = await this.throttles
      .findOne({ subjectId: String(subjectId), personKey: String(personKey) })
      .lean<VerificationThrottleDoc>();
    return doc ? toThrottle(doc) : null;
  }

  async recordSend(
    subjectId: string,
    personKey: string,
    send: { sentAt: Date; sendsInWindow: number; windowStartedAt: Date },
    expectedSentAt: Date | null
  ): Promise<boolean> {
    const key = { subjectId: String(subjectId), personKey: String(personKey) };
    const set = { ...send, attempts: 0 };
    if (expectedSentAt === null) {
      // First send of this person (they may have guessed before: no sentAt yet).
      const res = await this.throttles
        .updateOne({ ...key, sentAt: { $exists: false } }, { $set: set }, { upsert: true })
        .catch((err: unknown) => {
          if (duplicateKeyField(err) !== undefined) return { matchedCount: 0, upsertedCount: 0 };
          throw err;
        });
      return res.matchedCount + res.upsertedCount === 1;
    }
    const res = await this.throttles.updateOne({ ...key, sentAt: expectedSentAt }, { $set: set });
    return res.matchedCount === 1;
  }

  async countPersonAttempt(
    subjectId: string,
    personKey: string,
    maxAttempts: number
  ): Promise<number | null> {
    const key = { subjectId: String(subjectId), personKey: String(personKey) };
    const inc = () =>
      this.throttles
        .findOneAndUpdate(
          { ...key, attempts: { $lt: maxAttempts } },
          { $inc: { attempts: 1 } },
          { returnDocument: 'after' }
        )
        .lean<VerificationThrottleDoc>();
    const doc = await inc();
    if (doc) return doc.attempts;
    try {
      await this.throttles.create({ ...key, attempts: 1, sendsInWindow: 0 });
      return 1;
    } catch (err) {
      if (duplicateKeyField(err) === undefined) throw err;
      // Someone (a parallel guess of the same person) created it first: count on it.
      return (await inc())?.attempts ?? null;
    }
  }

  async get(subjectId: string): Promise<EmailVerification | null> {
    const doc = await this.model.findOne({ subjectId }).lean<VerificationDoc>();
    return doc ? toVerification(doc) : null;
  }

  async put(record: EmailVerification, expectedSentAt: Date | null): Promise<boolean> {
    const { usedAt: _ignored, previousCodes, ...rest } = record;
    const fields = { ...rest, previousCodes: [...(previousCodes ?? [])] };
    if (expectedSentAt === null) {
      try {
        await this.model.create(fields);
        return true;
      } catch (err) {
        if (duplicateKeyField(err) !== undefined) return false;
        throw err;
      }
    }
    const res = await this.model.updateOne(
      { subjectId: record.subjectId, sentAt: expectedSentAt },
      { $set: fields, $unset: { usedAt: 1 } }
    );
    return res.matchedCount === 1;
  }

  async countAttempt(
    subjectId: string,
    codeHash: string,
    maxAttempts: number
  ): Promise<EmailVerification | null> {
    const doc = await this.model
      .findOneAndUpdate(
        { subjectId, codeHash, usedAt: { $exists: false }, attempts: { $lt: maxAttempts } },
        { $inc: { attempts: 1 } },
        { returnDocument: 'after' }
      )
      .lean<VerificationDoc>();
    return doc ? toVerification(doc) : null;
  }

  async markUsed(subjectId: string, codeHash: string, at: Date): Promise<boolean> {
    const res = await this.model.updateOne(
      { subjectId, codeHash, usedAt: { $exists: false } },
      { $set: { usedAt: at } }
    );
    return res.modifiedCount === 1;
  }
}

function toVerification(doc: VerificationDoc): EmailVerification {
  return {
    subjectId: doc.subjectId,
    codeHash: doc.codeHash,
    salt: doc.salt,
    expiresAt: doc.expiresAt,
    attempts: doc.attempts,
    sentAt: doc.sentAt,
    sendsInWindow: doc.sendsInWindow,
    windowStartedAt: doc.windowStartedAt,
    ...(doc.usedAt ? { usedAt: doc.usedAt } : {}),
    ...(doc.requestedBy ? { requestedBy: doc.requestedBy } : {}),
    ...(doc.previousCodes?.length
      ? {
          previousCodes: doc.previousCodes.map((c) => ({
            codeHash: c.codeHash,
            salt: c.salt,
            expiresAt: c.expiresAt,
            ...(c.requestedBy ? { requestedBy: c.requestedBy } : {}),
          })),
        }
      : {}),
  };
}

function toThrottle(doc: VerificationThrottleDoc): PersonThrottle {
  return {
    subjectId: doc.subjectId,
    personKey: doc.personKey,
    attempts: doc.attempts,
    sendsInWindow: doc.sendsInWindow,
    ...(doc.sentAt ? { sentAt: doc.sentAt } : {}),
    ...(doc.windowStartedAt ? { windowStartedAt: doc.windowStartedAt } : {}),
  };
}
