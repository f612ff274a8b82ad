import type mongoose from 'mongoose';
import type { UserRef } from '../../domain/partners/actor.js';
import type {
  EnrollmentDraft,
  EnrollmentDraftRepository,
  EnrollmentStep,
} from '../../domain/enrollment/enrollment-draft-repository.port.js';
import type { DraftAnswers } from '../../domain/partners/partner-profile.js';
import { enrollmentDraftModel, type EnrollmentDraftDoc } from './enrollment-draft.schema.js';
import { memoized, rememberWritten } from '../turn-memo.js';
import { registerTurnRead } from '../turn-reads.js';

const MEMO = 'enrollmentDrafts';
const memoKey = (user: UserRef) => `${user.tenantId}/${user.aadObjectId}`;

// The acting user's draft, for the turn's prefetch (models/turn-reads.ts).
registerTurnRead<EnrollmentDraftDoc>({
  collection: MEMO,
  match: ({ tenantId, aadObjectId }) => ({ tenantId, aadObjectId }),
  remember: ([doc], turn) => rememberWritten(MEMO, memoKey(turn), doc ?? null),
});

/**
 * EnrollmentDraftRepository on MongoDB (collection `enrollmentDrafts`). A dialog step reads the
 * draft once and remembers what it saved (models/turn-memo.ts), however many steps look at it.
 */
export class MongoEnrollmentDraftRepository implements EnrollmentDraftRepository {
  private readonly model: mongoose.Model<EnrollmentDraftDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = enrollmentDraftModel(conn);
  }

  async get(user: UserRef): Promise<EnrollmentDraft | null> {
    const doc = await memoized(MEMO, memoKey(user), () =>
      this.model
        .findOne({ tenantId: user.tenantId, aadObjectId: user.aadObjectId })
        .lean<EnrollmentDraftDoc>()
        .exec()
    );
    return doc ? toDraft(doc) : null;
  }

  async save(draft: EnrollmentDraft): Promise<void> {
    const update: mongoose.UpdateQuery<EnrollmentDraftDoc> = {
      $set: { answers: { ...draft.answers }, step: draft.step, updatedAt: draft.updatedAt },
    };
    const unset: Record<string, 1> = {};
    if (draft.resubmitOf) update.$set!.resubmitOf = draft.resubmitOf;
    else unset.resubmitOf = 1;
    if (draft.editing) update.$set!.editing = true;
    else unset.editing = 1;
    if (Object.keys(unset).length) update.$unset = unset;
    await this.model.updateOne(
      { tenantId: draft.tenantId, aadObjectId: draft.aadObjectId },
      update,
      { upsert: true }
    );
    // What a read would now return: the driver stores an undefined answer as null.
    const answers = Object.fromEntries(
      Object.entries(update.$set!.answers as Record<string, unknown>).map(([k, v]) => [
        k,
        v === undefined ? null : v,
      ])
    );
    rememberWritten<EnrollmentDraftDoc>(MEMO, memoKey(draft), {
      tenantId: draft.tenantId,
      aadObjectId: draft.aadObjectId,
      answers,
      step: draft.step,
      ...(draft.editing ? { editing: true } : {}),
      ...(draft.resubmitOf ? { resubmitOf: draft.resubmitOf } : {}),
      updatedAt: draft.updatedAt,
    } as EnrollmentDraftDoc);
  }

  async delete(user: UserRef): Promise<void> {
    await this.model.deleteOne({ tenantId: user.tenantId, aadObjectId: user.aadObjectId });
    rememberWritten(MEMO, memoKey(user), null);
  }
}

function toDraft(doc: EnrollmentDraftDoc): EnrollmentDraft {
  return {
    tenantId: doc.tenantId,
    aadObjectId: doc.aadObjectId,
    answers: (doc.answers ?? {}) as DraftAnswers,
    step: doc.step as EnrollmentStep,
    ...(doc.editing ? { editing: true } : {}),
    ...(doc.resubmitOf ? { resubmitOf: doc.resubmitOf } : {}),
    updatedAt: doc.updatedAt,
  };
}
