import type mongoose from 'mongoose';
import type { UserRef } from '../../domain/partners/actor.js';
import type {
  EnrollmentDraft,
  EnrollmentDraftRepository,
  EnrollmentStep,
} from '../../domain/enrollment/enrollment-draft.repository.js';
import type { DraftAnswers } from '../../domain/partners/partner-profile.js';
import { enrollmentDraftModel, type EnrollmentDraftDoc } from './enrollment-draft.schema.js';

/** EnrollmentDraftRepository on MongoDB (collection `enrollmentDrafts`). */
export class MongoEnrollmentDraftRepository implements EnrollmentDraftRepository {
  private readonly model: mongoose.Model<EnrollmentDraftDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = enrollmentDraftModel(conn);
  }

  async get(user: UserRef): Promise<EnrollmentDraft | null> {
    const doc = await this.model
      .findOne({ tenantId: user.tenantId, aadObjectId: user.aadObjectId })
      .lean<EnrollmentDraftDoc>();
    return doc ? toDraft(doc) : null;
  }

  async save(draft: EnrollmentDraft): Promise<void> {
    const update: mongoose.UpdateQuery<EnrollmentDraftDoc> = {
      $set: { answers: { ...draft.answers }, step: draft.step, updatedAt: draft.updatedAt },
    };
    if (draft.resubmitOf) update.$set!.resubmitOf = draft.resubmitOf;
    else update.$unset = { resubmitOf: 1 };
    await this.model.updateOne(
      { tenantId: draft.tenantId, aadObjectId: draft.aadObjectId },
      update,
      { upsert: true }
    );
  }

  async delete(user: UserRef): Promise<void> {
    await this.model.deleteOne({ tenantId: user.tenantId, aadObjectId: user.aadObjectId });
  }
}

function toDraft(doc: EnrollmentDraftDoc): EnrollmentDraft {
  return {
    tenantId: doc.tenantId,
    aadObjectId: doc.aadObjectId,
    answers: (doc.answers ?? {}) as DraftAnswers,
    step: doc.step as EnrollmentStep,
    ...(doc.resubmitOf ? { resubmitOf: doc.resubmitOf } : {}),
    updatedAt: doc.updatedAt,
  };
}
