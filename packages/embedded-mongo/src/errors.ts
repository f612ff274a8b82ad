/**
 * An error the embedded server returns to the client as `{ ok: 0, errmsg, code, codeName, ...extra }`
 * (or, inside a write batch, as a `writeErrors` entry). Codes and names follow MongoDB's
 * error_codes.yml so drivers and mongoose react to them as they do to a real server.
 */
export class MongoCommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    /** Extra reply fields, e.g. `keyPattern`/`keyValue` for 11000. */
    readonly extra: Record<string, unknown> = {}
  ) {
    super(message);
    this.name = 'MongoCommandError';
  }
}

/** Helpers for the codes this server raises; names as in MongoDB's error_codes.yml. */
export const Errors = {
  badValue: (msg: string) => new MongoCommandError(2, 'BadValue', msg),
  failedToParse: (msg: string) => new MongoCommandError(9, 'FailedToParse', msg),
  typeMismatch: (msg: string) => new MongoCommandError(14, 'TypeMismatch', msg),
  illegalOperation: (msg: string) => new MongoCommandError(20, 'IllegalOperation', msg),
  namespaceNotFound: (msg: string) => new MongoCommandError(26, 'NamespaceNotFound', msg),
  indexNotFound: (msg: string) => new MongoCommandError(27, 'IndexNotFound', msg),
  pathNotViable: (msg: string) => new MongoCommandError(28, 'PathNotViable', msg),
  conflictingUpdateOperators: (msg: string) =>
    new MongoCommandError(40, 'ConflictingUpdateOperators', msg),
  cursorNotFound: (msg: string) => new MongoCommandError(43, 'CursorNotFound', msg),
  namespaceExists: (msg: string) => new MongoCommandError(48, 'NamespaceExists', msg),
  dollarPrefixedFieldName: (msg: string) =>
    new MongoCommandError(52, 'DollarPrefixedFieldName', msg),
  commandNotFound: (name: string) =>
    new MongoCommandError(59, 'CommandNotFound', `no such command: '${name}'`),
  immutableField: (msg: string) => new MongoCommandError(66, 'ImmutableField', msg),
  invalidOptions: (msg: string) => new MongoCommandError(72, 'InvalidOptions', msg),
  invalidNamespace: (msg: string) => new MongoCommandError(73, 'InvalidNamespace', msg),
  indexOptionsConflict: (msg: string) => new MongoCommandError(85, 'IndexOptionsConflict', msg),
  indexKeySpecsConflict: (msg: string) => new MongoCommandError(86, 'IndexKeySpecsConflict', msg),
  operationNotSupportedInTransaction: (msg: string) =>
    new MongoCommandError(263, 'OperationNotSupportedInTransaction', msg),
  badBson: (msg: string) => new MongoCommandError(10334, 'BSONObjectTooLarge', msg),
  noSuchTransaction: (msg: string) => new MongoCommandError(251, 'NoSuchTransaction', msg),
  location: (code: number, msg: string) => new MongoCommandError(code, `Location${code}`, msg),
  notImplemented: (msg: string) => new MongoCommandError(238, 'NotImplemented', msg),
  commandNotSupportedOnView: (ns: string) =>
    new MongoCommandError(
      166,
      'CommandNotSupportedOnView',
      `Namespace ${ns} is a view, not a collection`
    ),
  optionNotSupportedOnView: (msg: string) =>
    new MongoCommandError(167, 'OptionNotSupportedOnView', msg),
  changeStreamsUnsupported: () =>
    new MongoCommandError(
      40573,
      'Location40573',
      'The $changeStream stage is only supported on replica sets'
    ),
  duplicateKey: (
    ns: string,
    indexName: string,
    keyPattern: Record<string, unknown>,
    keyValue: Record<string, unknown>,
    rendered: string
  ) =>
    new MongoCommandError(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${rendered}`,
      { keyPattern, keyValue }
    ),
} as const;
