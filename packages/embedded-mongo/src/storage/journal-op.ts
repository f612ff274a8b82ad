import type { Document } from 'bson';

/** One change to durable state; a commit's ops are replayed all-or-nothing, in order. */
export type JournalOp =
  /** `bson`, when the engine has it, is `doc` already serialized: it is written as is. */
  | { op: 'put'; ns: string; doc: Document; bson?: Uint8Array }
  | { op: 'del'; ns: string; id: unknown }
  | { op: 'createCollection'; ns: string; options: Document }
  | { op: 'dropCollection'; ns: string }
  | { op: 'createIndex'; ns: string; spec: Document }
  | { op: 'dropIndex'; ns: string; name: string }
  | { op: 'dropDatabase'; db: string };

/** A collection's full state, as recovered at open and as captured for a snapshot. */
export interface CollectionState {
  ns: string;
  options: Document;
  indexes: Document[];
  docs: Document[];
}

/**
 * A collection as the snapshot source gives it. A document may be given as its BSON bytes
 * (the engine stores BSON), which the snapshot then writes without decoding and re-encoding.
 */
export interface SnapshotCollection {
  ns: string;
  options: Document;
  indexes: Document[];
  docs: ReadonlyArray<Document | Uint8Array>;
}
