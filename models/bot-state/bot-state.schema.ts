import mongoose, { Schema, type Model } from 'mongoose';

/** One botbuilder state item (conversation or user state, dialog stacks) by storage key. */
export interface BotStateDoc {
  _id: string;
  /**
   * The item as JSON text, like botbuilder's MemoryStorage keeps it: dialog state may hold keys
   * with dots or `$` that MongoDB refuses as field names, and Dates come back as strings in both.
   */
  data: string;
  eTag: string;
  updatedAt: Date;
}

const botStateSchema = new Schema<BotStateDoc>(
  {
    _id: { type: String, required: true },
    data: { type: String, required: true },
    eTag: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'botstate', versionKey: false }
);

/** The BotState model on a given connection. */
export function botStateModel(conn: mongoose.Connection): Model<BotStateDoc> {
  return (
    (conn.models.BotState as Model<BotStateDoc> | undefined) ??
    conn.model<BotStateDoc>('BotState', botStateSchema)
  );
}
