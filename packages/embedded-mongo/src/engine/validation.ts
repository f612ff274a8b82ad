import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { compileFilter } from '../query/index.js';
import { isPlainObject } from '../query/bson-types.js';
import { getPathValues } from '../query/index.js';
import { schemaFailures } from '../query/json-schema.js';

/** A collection's document validation (`validator`, `validationLevel`, `validationAction`). */
export interface Validation {
  validator: Document;
  level: 'off' | 'strict' | 'moderate';
  action: 'error' | 'warn';
  matches(doc: Document): boolean;
}

/** Operators mongod refuses inside a validator. */
const REFUSED_IN_VALIDATOR = ['$near', '$nearSphere', '$text', '$where'];

function scanRefused(v: unknown): void {
  if (Array.isArray(v)) v.forEach(scanRefused);
  else if (isPlainObject(v)) {
    for (const [k, sub] of Object.entries(v)) {
      if (REFUSED_IN_VALIDATOR.includes(k))
        throw Errors.invalidOptions(`${k} is not allowed in collection validators`);
      if (k !== '$jsonSchema') scanRefused(sub);
    }
  }
}

/** Checks validation options as `create` and `collMod` receive them. */
export function checkValidationOptions(options: Document): void {
  if (options.validator !== undefined) {
    if (!isPlainObject(options.validator))
      throw Errors.typeMismatch("BSON field 'validator' is the wrong type, expected type 'object'");
    scanRefused(options.validator);
    compileFilter(options.validator);
  }
  if (
    options.validationLevel !== undefined &&
    !['off', 'strict', 'moderate'].includes(options.validationLevel as string)
  )
    throw Errors.badValue(
      `Enumeration value '${String(options.validationLevel)}' for field 'validationLevel' is not a valid value.`
    );
  if (
    options.validationAction !== undefined &&
    !['error', 'warn'].includes(options.validationAction as string)
  )
    throw Errors.badValue(
      `Enumeration value '${String(options.validationAction)}' for field 'validationAction' is not a valid value.`
    );
}

/** The validation a collection's options describe; undefined without a validator. */
export function compileValidation(options: Document): Validation | undefined {
  const validator = options.validator as Document | undefined;
  if (!validator || Object.keys(validator).length === 0) return undefined;
  const matches = compileFilter(validator);
  return {
    validator,
    level: (options.validationLevel as Validation['level']) ?? 'strict',
    action: (options.validationAction as Validation['action']) ?? 'error',
    matches,
  };
}

function clauseDetails(key: string, cond: unknown, doc: Document): Document {
  if (key === '$jsonSchema')
    return {
      operatorName: '$jsonSchema',
      schemaRulesNotSatisfied: schemaFailures(cond as Document, doc),
    };
  if (key === '$and' || key === '$or' || key === '$nor') {
    const clauses = (cond as Document[]).map((c, index) => ({ index, c }));
    const failing = clauses.filter(({ c }) => !compileFilter(c)(doc));
    return {
      operatorName: key,
      clausesNotSatisfied: failing.map(({ index, c }) => ({ index, details: docDetails(c, doc) })),
    };
  }
  if (key === '$expr')
    return {
      operatorName: '$expr',
      specifiedAs: { $expr: cond },
      reason: 'expression did not match',
      expressionResult: false,
    };
  // A field condition: `{ a: 5 }` or `{ a: { $gt: 5 } }`.
  const isOps = isPlainObject(cond) && Object.keys(cond)[0]?.startsWith('$');
  // `$options` belongs to its `$regex`: the two are one condition.
  const ops = isOps ? Object.keys(cond as Document).filter((o) => o !== '$options') : ['$eq'];
  const one = (o: string): unknown => {
    if (!isOps) return cond;
    const c = cond as Document;
    return o === '$regex' && c.$options !== undefined
      ? { $regex: c.$regex, $options: c.$options }
      : { [o]: c[o] };
  };
  const values = getPathValues(doc, key);
  const op = ops.find((o) => !compileFilter({ [key]: one(o) })(doc)) ?? ops[0];
  const specifiedAs = { [key]: ops.length === 1 ? cond : one(op) };
  const out: Document = { operatorName: op, specifiedAs };
  if (values.length === 0 || values.every((v) => v === undefined)) out.reason = 'field was missing';
  else {
    out.reason =
      op === '$exists'
        ? 'path had a value'
        : op === '$type'
          ? 'type did not match'
          : op === '$regex'
            ? 'regular expression did not match'
            : op === '$in' || op === '$nin'
              ? 'no matching value found in array'
              : 'comparison failed';
    out.consideredValue = values.length === 1 ? values[0] : values;
  }
  return out;
}

function docDetails(filter: Document, doc: Document): Document {
  const failing = Object.entries(filter).filter(([k, v]) => !compileFilter({ [k]: v })(doc));
  if (Object.keys(filter).length === 1 && failing.length === 1)
    return clauseDetails(failing[0][0], failing[0][1], doc);
  const clauses = Object.entries(filter);
  return {
    operatorName: '$and',
    clausesNotSatisfied: clauses
      .map(([k, v], index) => ({ index, k, v }))
      .filter(({ k, v }) => !compileFilter({ [k]: v })(doc))
      .map(({ index, k, v }) => ({ index, details: clauseDetails(k, v, doc) })),
  };
}

/** mongod's 121 DocumentValidationFailure, with `errInfo` naming the rules the document broke. */
export function validationError(validation: Validation, doc: Document): MongoCommandError {
  let details: Document;
  try {
    details = docDetails(validation.validator, doc);
  } catch {
    // Describing the failure must never turn a 121 into another error.
    details = { operatorName: '$and', specifiedAs: validation.validator };
  }
  return new MongoCommandError(121, 'DocumentValidationFailure', 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details },
  });
}
