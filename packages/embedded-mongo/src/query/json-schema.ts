import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { bsonTypeName, isNumeric, isPlainObject, TYPE_NUMBERS } from './bson-types.js';
import { compareValues } from './compare.js';
import { fastNumber } from './numbers.js';
import { buildRegex } from './regex.js';

/**
 * `$jsonSchema` (draft 4 as MongoDB implements it): the keywords mongod supports, each applying
 * only to values of its type, as in mongod. Keywords mongod refuses are refused with its
 * message; so is anything unknown.
 */

const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
const KEYWORDS = new Set([
  'bsonType',
  'type',
  'required',
  'properties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'enum',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'additionalProperties',
  'patternProperties',
  'minProperties',
  'maxProperties',
  'dependencies',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'multipleOf',
  'title',
  'description',
]);
const JSON_TYPES = new Set(['object', 'array', 'number', 'boolean', 'string', 'null']);

/** One failed rule, in the shape of mongod's `errInfo.details` for `$jsonSchema`. */
export type RuleFailure = Document;

function jsonTypeOf(v: unknown): string {
  const t = bsonTypeName(v);
  if (t === 'int' || t === 'long' || t === 'double' || t === 'decimal') return 'number';
  if (t === 'bool') return 'boolean';
  return t;
}

function typeMatches(v: unknown, spec: unknown, json: boolean): boolean {
  const names = Array.isArray(spec) ? spec : [spec];
  const actual = bsonTypeName(v);
  return names.some((n) => {
    if (json) return jsonTypeOf(v) === n;
    if (n === 'number') return ['int', 'long', 'double', 'decimal'].includes(actual);
    return actual === n;
  });
}

function num(v: unknown): number {
  return fastNumber(v) ?? Number(v);
}

function checkSchema(schema: unknown, path: string): void {
  if (!isPlainObject(schema)) throw Errors.typeMismatch(`$jsonSchema${path} must be an object`);
  for (const [k, v] of Object.entries(schema)) {
    if (UNSUPPORTED.has(k))
      throw Errors.failedToParse(`$jsonSchema keyword '${k}' is not currently supported`);
    if (!KEYWORDS.has(k)) throw Errors.failedToParse(`Unknown $jsonSchema keyword: ${k}`);
    if (k === 'type') {
      for (const t of Array.isArray(v) ? v : [v]) {
        if (t === 'integer')
          throw Errors.failedToParse("$jsonSchema type 'integer' is not currently supported.");
        if (typeof t !== 'string' || !JSON_TYPES.has(t))
          throw Errors.badValue(`Unknown type name alias: ${String(t)}`);
      }
    }
    if (k === 'bsonType') {
      for (const t of Array.isArray(v) ? v : [v]) {
        if (typeof t !== 'string' || !(t in TYPE_NUMBERS || t === 'number'))
          throw Errors.badValue(`Unknown type name alias: ${String(t)}`);
      }
    }
    if (k === 'properties' || k === 'patternProperties') {
      if (!isPlainObject(v))
        throw Errors.typeMismatch(`$jsonSchema keyword '${k}' must be an object`);
      for (const [name, sub] of Object.entries(v)) checkSchema(sub, `${path}.${k}.${name}`);
    }
    if ((k === 'additionalProperties' || k === 'additionalItems') && typeof v !== 'boolean')
      checkSchema(v, `${path}.${k}`);
    if (k === 'not') checkSchema(v, `${path}.not`);
    if (k === 'items') {
      if (Array.isArray(v)) v.forEach((s, i) => checkSchema(s, `${path}.items.${i}`));
      else checkSchema(v, `${path}.items`);
    }
    if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      if (!Array.isArray(v) || v.length === 0)
        throw Errors.badValue(`$jsonSchema keyword '${k}' must be a nonempty array`);
      v.forEach((s, i) => checkSchema(s, `${path}.${k}.${i}`));
    }
    if (k === 'required' && (!Array.isArray(v) || v.some((x) => typeof x !== 'string')))
      throw Errors.typeMismatch("$jsonSchema keyword 'required' must be an array of strings");
    if (k === 'enum' && (!Array.isArray(v) || v.length === 0))
      throw Errors.failedToParse("$jsonSchema keyword 'enum' cannot be an empty array");
  }
}

/** Every rule of `schema` that `value` breaks (an empty list: it matches). */
export function schemaFailures(schema: Document, value: unknown): RuleFailure[] {
  const out: RuleFailure[] = [];
  const s = schema;
  const fail = (name: string, extra: Document) =>
    out.push({ operatorName: name, specifiedAs: { [name]: s[name] }, ...extra });
  if (s.bsonType !== undefined && !typeMatches(value, s.bsonType, false))
    fail('bsonType', {
      reason: 'type did not match',
      consideredValue: value,
      consideredType: bsonTypeName(value),
    });
  if (s.type !== undefined && !typeMatches(value, s.type, true))
    fail('type', {
      reason: 'type did not match',
      consideredValue: value,
      consideredType: bsonTypeName(value),
    });
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => compareValues(e, value) === 0))
    fail('enum', { reason: 'value was not found in enum', consideredValue: value });
  if (isNumeric(value)) {
    const n = num(value);
    if (s.minimum !== undefined) {
      const min = num(s.minimum);
      if (s.exclusiveMinimum === true ? !(n > min) : !(n >= min))
        fail('minimum', { reason: 'comparison failed', consideredValue: value });
    }
    if (s.maximum !== undefined) {
      const max = num(s.maximum);
      if (s.exclusiveMaximum === true ? !(n < max) : !(n <= max))
        fail('maximum', { reason: 'comparison failed', consideredValue: value });
    }
    if (s.multipleOf !== undefined && n % num(s.multipleOf) !== 0)
      fail('multipleOf', { reason: 'factor did not divide value', consideredValue: value });
  }
  if (typeof value === 'string') {
    const len = [...value].length;
    if (s.minLength !== undefined && len < num(s.minLength))
      fail('minLength', {
        reason: 'specified string length was not satisfied',
        consideredValue: value,
      });
    if (s.maxLength !== undefined && len > num(s.maxLength))
      fail('maxLength', {
        reason: 'specified string length was not satisfied',
        consideredValue: value,
      });
    if (s.pattern !== undefined && !buildRegex(String(s.pattern), '').test(value))
      fail('pattern', { reason: 'regular expression did not match', consideredValue: value });
  }
  if (Array.isArray(value)) arrayFailures(s, value, fail);
  if (isPlainObject(value)) objectFailures(s, value, out, fail);
  if (s.allOf !== undefined) {
    const bad = (s.allOf as Document[])
      .map((sub, index) => ({ index, details: schemaFailures(sub, value) }))
      .filter((r) => r.details.length > 0);
    if (bad.length > 0) out.push({ operatorName: 'allOf', schemasNotSatisfied: bad });
  }
  if (s.anyOf !== undefined) {
    const results = (s.anyOf as Document[]).map((sub) => schemaFailures(sub, value));
    if (results.every((r) => r.length > 0))
      out.push({
        operatorName: 'anyOf',
        schemasNotSatisfied: results.map((details, index) => ({ index, details })),
      });
  }
  if (s.oneOf !== undefined) {
    const results = (s.oneOf as Document[]).map((sub) => schemaFailures(sub, value));
    const matched = results.filter((r) => r.length === 0).length;
    if (matched !== 1)
      out.push(
        matched === 0
          ? {
              operatorName: 'oneOf',
              schemasNotSatisfied: results.map((details, index) => ({ index, details })),
            }
          : {
              operatorName: 'oneOf',
              reason: 'more than one subschema matched',
              matchingSchemaIndexes: results
                .map((r, i) => (r.length === 0 ? i : -1))
                .filter((i) => i >= 0),
            }
      );
  }
  if (s.not !== undefined && schemaFailures(s.not as Document, value).length === 0)
    out.push({ operatorName: 'not', reason: 'child expression matched' });
  return out;
}

function arrayFailures(
  s: Document,
  value: unknown[],
  fail: (name: string, extra: Document) => void
): void {
  if (s.minItems !== undefined && value.length < num(s.minItems))
    fail('minItems', { reason: 'array did not match specified length', consideredValue: value });
  if (s.maxItems !== undefined && value.length > num(s.maxItems))
    fail('maxItems', { reason: 'array did not match specified length', consideredValue: value });
  if (s.uniqueItems === true) {
    const dup = value.some((v, i) => value.some((w, j) => j < i && compareValues(v, w) === 0));
    if (dup) fail('uniqueItems', { reason: 'found a duplicate item', consideredValue: value });
  }
  if (isPlainObject(s.items)) {
    const bad = value.findIndex((el) => schemaFailures(s.items as Document, el).length > 0);
    if (bad >= 0)
      fail('items', {
        reason: 'At least one item did not match the sub-schema',
        itemIndex: bad,
        details: schemaFailures(s.items as Document, value[bad]),
      });
  } else if (Array.isArray(s.items)) {
    const schemas = s.items as Document[];
    const bad = schemas.findIndex(
      (sub, i) => i < value.length && schemaFailures(sub, value[i]).length > 0
    );
    if (bad >= 0)
      fail('items', {
        reason: 'At least one item did not match the sub-schema',
        itemIndex: bad,
        details: schemaFailures(schemas[bad], value[bad]),
      });
    const extra = value.slice(schemas.length);
    if (s.additionalItems === false && extra.length > 0)
      fail('additionalItems', { reason: 'found additional items', consideredValue: value });
    else if (isPlainObject(s.additionalItems)) {
      const badExtra = extra.findIndex(
        (el) => schemaFailures(s.additionalItems as Document, el).length > 0
      );
      if (badExtra >= 0)
        fail('additionalItems', {
          reason: 'At least one additional item did not match the sub-schema',
          itemIndex: schemas.length + badExtra,
        });
    }
  }
}

function objectFailures(
  s: Document,
  value: Document,
  out: RuleFailure[],
  fail: (name: string, extra: Document) => void
): void {
  const keys = Object.keys(value);
  if (s.required !== undefined) {
    const missing = (s.required as string[]).filter((k) => value[k] === undefined);
    if (missing.length > 0) fail('required', { missingProperties: missing });
  }
  if (s.minProperties !== undefined && keys.length < num(s.minProperties))
    fail('minProperties', {
      reason: 'specified number of properties was not satisfied',
      numberOfProperties: keys.length,
    });
  if (s.maxProperties !== undefined && keys.length > num(s.maxProperties))
    fail('maxProperties', {
      reason: 'specified number of properties was not satisfied',
      numberOfProperties: keys.length,
    });
  const props = isPlainObject(s.properties) ? s.properties : {};
  if (isPlainObject(s.properties)) {
    const notSatisfied: Document[] = [];
    for (const [name, sub] of Object.entries(props)) {
      if (value[name] === undefined) continue;
      const details = schemaFailures(sub as Document, value[name]);
      if (details.length > 0) {
        const entry: Document = { propertyName: name };
        if (typeof (sub as Document).description === 'string')
          entry.description = (sub as Document).description;
        entry.details = details;
        notSatisfied.push(entry);
      }
    }
    if (notSatisfied.length > 0)
      out.push({ operatorName: 'properties', propertiesNotSatisfied: notSatisfied });
  }
  const patterns = isPlainObject(s.patternProperties)
    ? Object.entries(s.patternProperties).map(
        ([p, sub]) => [buildRegex(p, ''), sub as Document] as const
      )
    : [];
  for (const [re, sub] of patterns) {
    const bad = keys.filter((k) => re.test(k) && schemaFailures(sub, value[k]).length > 0);
    if (bad.length > 0)
      out.push({
        operatorName: 'patternProperties',
        propertiesNotSatisfied: bad.map((propertyName) => ({
          propertyName,
          details: schemaFailures(sub, value[propertyName]),
        })),
      });
  }
  if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
    const extra = keys.filter((k) => !(k in props) && !patterns.some(([re]) => re.test(k)));
    if (s.additionalProperties === false) {
      if (extra.length > 0) fail('additionalProperties', { additionalProperties: extra });
    } else if (isPlainObject(s.additionalProperties)) {
      const bad = extra.filter(
        (k) => schemaFailures(s.additionalProperties as Document, value[k]).length > 0
      );
      if (bad.length > 0)
        out.push({
          operatorName: 'additionalProperties',
          reason: 'at least one additional property did not match the subschema',
          failingProperty: bad[0],
          details: schemaFailures(s.additionalProperties as Document, value[bad[0]]),
        });
    }
  }
  if (isPlainObject(s.dependencies)) {
    for (const [name, dep] of Object.entries(s.dependencies)) {
      if (value[name] === undefined) continue;
      if (Array.isArray(dep)) {
        const missing = dep.filter((d) => value[d as string] === undefined);
        if (missing.length > 0)
          out.push({
            operatorName: 'dependencies',
            failingDependencies: [{ conditionalProperty: name, missingProperties: missing }],
          });
      } else if (schemaFailures(dep as Document, value).length > 0) {
        out.push({
          operatorName: 'dependencies',
          failingDependencies: [
            { conditionalProperty: name, details: schemaFailures(dep as Document, value) },
          ],
        });
      }
    }
  }
}

/** Compiles `$jsonSchema` into a document test (the schema is checked once, up front). */
export function compileJsonSchema(schema: unknown): (doc: Document) => boolean {
  checkSchema(schema, '');
  return (doc) => schemaFailures(schema as Document, doc).length === 0;
}
