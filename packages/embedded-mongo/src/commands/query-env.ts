import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import type { Collection, QueryEnv } from '../engine/collection.js';
import { evaluate } from '../query/expression.js';
import { parseCollation } from '../query/index.js';
import { isPlainObject } from '../query/bson-types.js';

/** mongod's rule for user variable names: [a-z] or non-ASCII first, then [A-Za-z0-9_]. */
function checkVariableName(name: string): void {
  if (name === '') throw Errors.location(16869, 'empty variable names are not allowed');
  const first = name.charCodeAt(0);
  if (!((first >= 97 && first <= 122) || first >= 0x80))
    throw Errors.location(
      16867,
      `'${name}' starts with an invalid character for a user variable name`
    );
  for (const ch of name.slice(1)) {
    const c = ch.charCodeAt(0);
    if (!(/[A-Za-z0-9_]/.test(ch) || c >= 0x80))
      throw Errors.location(
        16868,
        `'${name}' contains an invalid character for a variable name: '${ch}'`
      );
  }
}

/**
 * A command's `let` (MongoDB 5.0+): each variable's expression evaluated once, as constants
 * the command's `$expr`, pipelines and pipeline updates read as `$$name`.
 */
export function letVariables(raw: unknown): Document | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw))
    throw Errors.typeMismatch("BSON field 'let' is the wrong type, expected type 'object'");
  const out: Document = {};
  for (const [name, expr] of Object.entries(raw)) {
    checkVariableName(name);
    out[name] = evaluate({}, expr, out);
  }
  return out;
}

/**
 * How a command reads its collection: its `collation` (else the collection's default; a
 * collation is validated even when the collection does not exist) and its `let` variables.
 */
export function commandEnv(
  cmd: Document,
  coll: Collection | undefined,
  acceptsLet = true
): QueryEnv {
  const collation = coll ? coll.collationFor(cmd.collation) : parseCollation(cmd.collation);
  if (!acceptsLet && cmd.let !== undefined) {
    // count and distinct take no `let` on mongod 7.0: their IDL refuses the unknown field.
    throw new MongoCommandError(
      40415,
      'Location40415',
      `BSON field '${Object.keys(cmd)[0]}.let' is an unknown field.`
    );
  }
  return { collation, variables: acceptsLet ? letVariables(cmd.let) : undefined };
}
