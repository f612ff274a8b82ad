import type { Document } from 'bson';
import { decodeDoc } from '../storage/bson-codec.js';

/**
 * Decodes BSON from a client or a stored document so that encoding the result again gives the
 * same types (Int32 as a plain number, a Double kept only where a number would come back as
 * int32, Long as Long, regexes JavaScript cannot carry as BSONRegExp): the storage codec's
 * rules, so recovered and live documents agree. UTF-8 is validated, as mongod does.
 */
export function decodeBson(bytes: Uint8Array): Document {
  return decodeDoc(bytes, { validateUtf8: true });
}
