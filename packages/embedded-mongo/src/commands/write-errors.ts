import type { Document } from 'bson';
import { MongoCommandError } from '../errors.js';

/** A `writeErrors` entry for statement `index`, shaped as mongod sends it. */
export function writeErrorEntry(index: number, err: unknown): Document {
  const e = asCommandError(err);
  return { index, code: e.code, codeName: e.codeName, errmsg: e.message, ...e.extra };
}

/** Anything thrown while running a command, as the MongoDB error the client will see. */
export function asCommandError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new MongoCommandError(1, 'InternalError', message);
}
