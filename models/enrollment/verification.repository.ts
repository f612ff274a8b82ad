import type mongoose from 'mongoose';
import type {
  EmailVerification,
  VerificationRepository,
} from '../../domain/enrollment/verification.repository.js';
import { duplicateKeyField } from '../duplicate-key.js';
import { verificationModel, type VerificationDoc } from './verification.schema.js';

/** VerificationRepository on MongoDB (collection `emailVerifications`, unique `subjectId`). */
export class MongoVerificationRepository implements VerificationRepository {
  private readonly model: mongoose.Model<VerificationDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = verificationModel(conn);
  }

  async get(subjectId: string): Promise<EmailVerification | null> {
    const doc = await this.model.findOne({ subjectId }).lean<VerificationDoc>();
    return doc ? toVerification(doc) : null;
  }

  async put(record: EmailVerification, expectedSentAt: Date | null): Promise<boolean> {
    const { usedAt: _ignored, ...fields } = record;
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
  };
}
