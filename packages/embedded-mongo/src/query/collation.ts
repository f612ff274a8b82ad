import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { isNumeric, isPlainObject } from './bson-types.js';
import { compareStrings } from './compare.js';
import { fastNumber } from './numbers.js';
import { renderValue } from './render.js';

/** The ICU version mongod 7.0 reports in every collation spec. */
export const COLLATION_VERSION = '57.1';

/** A string comparison under a collation (-1, 0 or 1). */
export type StringCompare = (a: string, b: string) => number;

/**
 * A parsed, non-simple collation. `spec` is the full form mongod stores and lists (every
 * option, defaults filled in); `id` identifies it, so two collations are the same exactly when
 * their ids are equal (an index serves a query only under the query's own collation).
 */
export interface Collation {
  spec: Document;
  id: string;
  compare: StringCompare;
}

const FIELDS = [
  'locale',
  'caseLevel',
  'caseFirst',
  'strength',
  'numericOrdering',
  'alternate',
  'maxVariable',
  'normalization',
  'backwards',
  'version',
];

/** ICU `@collation=` keywords as BCP 47 `-u-co-` values. */
const COLLATION_KEYWORDS: Record<string, string> = {
  phonebook: 'phonebk',
  traditional: 'trad',
  dictionary: 'dict',
  pinyin: 'pinyin',
  stroke: 'stroke',
  unihan: 'unihan',
  zhuyin: 'zhuyin',
  big5han: 'big5han',
  gb2312: 'gb2312',
  search: 'search',
  eor: 'eor',
  compat: 'compat',
  emoji: 'emoji',
  standard: 'standard',
};

/** `en_US`, `de@collation=phonebook`: an ICU locale id as a BCP 47 tag, if it has that form. */
function bcp47(locale: string): string | undefined {
  const m =
    /^([a-z]{2,3})(?:_([A-Z][a-z]{3}))?(?:_([A-Z]{2}|\d{3}))?(?:@collation=([a-z0-9]+))?$/.exec(
      locale
    );
  if (!m) return undefined;
  let tag = m[1];
  if (m[2]) tag += `-${m[2]}`;
  if (m[3]) tag += `-${m[3]}`;
  if (m[4]) {
    const co = COLLATION_KEYWORDS[m[4]];
    if (!co) return undefined;
    tag += `-u-co-${co}`;
  }
  return tag;
}

const localeCache = new Map<string, boolean>();

function knownLocale(tag: string): boolean {
  let known = localeCache.get(tag);
  if (known === undefined) {
    try {
      const supported = Intl.Collator.supportedLocalesOf([tag], { localeMatcher: 'lookup' });
      known = supported.length === 1 && supported[0].toLowerCase() === tag.toLowerCase();
      if (known && tag.includes('-u-co-')) {
        // A collation Intl does not have for this language resolves to the default one.
        known = new Intl.Collator(tag).resolvedOptions().collation !== 'default';
      }
    } catch {
      known = false;
    }
    localeCache.set(tag, known);
  }
  return known;
}

function failedToParse(msg: string): MongoCommandError {
  return Errors.failedToParse(msg);
}

function boolField(spec: Document, name: string, dflt: boolean): boolean {
  const v = spec[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean')
    throw Errors.typeMismatch(
      `BSON field 'collation.${name}' is the wrong type, expected type 'bool'`
    );
  return v;
}

function stringField(spec: Document, name: string, dflt: string): string {
  const v = spec[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string')
    throw Errors.typeMismatch(
      `BSON field 'collation.${name}' is the wrong type, expected type 'string'`
    );
  return v;
}

const cache = new Map<string, Collation>();

/**
 * Parses a command's or an index's `collation`, as mongod's collator factory does: undefined
 * for the simple (binary) collation, else a Collation. Invalid specs are refused with mongod's
 * codes and messages; the options `Intl.Collator` cannot honour are refused (238) rather than
 * ignored.
 */
export function parseCollation(raw: unknown): Collation | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw))
    throw Errors.typeMismatch("BSON field 'collation' is the wrong type, expected type 'object'");
  const shown = renderValue(raw);
  if (raw.locale === undefined)
    throw new MongoCommandError(
      40414,
      'Location40414',
      "BSON field 'locale' is missing but a required field"
    );
  if (typeof raw.locale !== 'string')
    throw Errors.typeMismatch("BSON field 'locale' is the wrong type, expected type 'string'");
  const locale = raw.locale;
  if (locale === 'simple') {
    if (Object.keys(raw).length > 1)
      throw failedToParse(`If locale=simple, no other fields should be present in: ${shown}`);
    return undefined;
  }
  for (const k of Object.keys(raw)) {
    if (!FIELDS.includes(k))
      throw failedToParse(`Collation spec contains unknown field. Collation spec: ${shown}`);
  }
  if (locale === '')
    throw Errors.badValue(`Field 'locale' cannot be the empty string in: ${shown}`);
  const tag = bcp47(locale);
  if (!tag || !knownLocale(tag)) throw Errors.badValue(`Field 'locale' is invalid in: ${shown}`);
  const caseLevel = boolField(raw, 'caseLevel', false);
  const caseFirst = stringField(raw, 'caseFirst', 'off');
  if (!['upper', 'lower', 'off'].includes(caseFirst))
    throw failedToParse(`Field 'caseFirst' must be 'upper', 'lower', or 'off'. Got: ${caseFirst}`);
  let strength = 3;
  if (raw.strength !== undefined) {
    const n = isNumeric(raw.strength) ? fastNumber(raw.strength) : undefined;
    if (n === undefined || !Number.isInteger(n))
      throw Errors.typeMismatch(
        "BSON field 'collation.strength' is the wrong type, expected type 'int'"
      );
    if (n < 1 || n > 5)
      throw failedToParse(`Field 'strength' must be an integer 1 through 5. Got: ${n}`);
    strength = n;
  }
  const numericOrdering = boolField(raw, 'numericOrdering', false);
  const alternate = stringField(raw, 'alternate', 'non-ignorable');
  if (alternate !== 'non-ignorable' && alternate !== 'shifted')
    throw failedToParse(
      `Field 'alternate' must be 'non-ignorable' or 'shifted'. Got: ${alternate}`
    );
  const maxVariable = stringField(raw, 'maxVariable', 'punct');
  if (maxVariable !== 'punct' && maxVariable !== 'space')
    throw failedToParse(`Field 'maxVariable' must be 'punct' or 'space'. Got: ${maxVariable}`);
  const normalization = boolField(raw, 'normalization', false);
  const backwards = boolField(raw, 'backwards', false);
  const version = stringField(raw, 'version', COLLATION_VERSION);
  if (version !== COLLATION_VERSION)
    throw new MongoCommandError(
      161,
      'IncompatibleCollationVersion',
      `Requested collation version ${version} but the only available collator version was ${COLLATION_VERSION}. Requested collation spec: ${shown}`
    );
  const spec: Document = {
    locale,
    caseLevel,
    caseFirst,
    strength,
    numericOrdering,
    alternate,
    maxVariable,
    normalization,
    backwards,
    version,
  };
  if (backwards && strength === 1)
    throw Errors.badValue(`'backwards' is invalid with 'strength' of 1 in: ${renderValue(spec)}`);
  if (caseFirst !== 'off' && !caseLevel && strength < 3)
    throw Errors.badValue(
      `'caseFirst' is invalid unless 'caseLevel' is on or 'strength' is greater than 2 in: ${renderValue(spec)}`
    );
  // What Intl.Collator cannot express is refused, never approximated.
  if (backwards)
    throw Errors.notImplemented(
      "collation option 'backwards: true' is not supported by the embedded server"
    );
  if (alternate === 'shifted' && maxVariable === 'space')
    throw Errors.notImplemented(
      'collation option \'maxVariable: "space"\' is not supported by the embedded server'
    );
  const id = JSON.stringify(spec);
  let coll = cache.get(id);
  if (!coll) {
    coll = { spec, id, compare: makeCompare(tag, spec) };
    cache.set(id, coll);
  }
  return { ...coll, spec: { ...spec } };
}

/** The comparison of one spec, composed from Intl.Collator's sensitivity levels. */
function makeCompare(tag: string, spec: Document): StringCompare {
  const base: Intl.CollatorOptions = {
    usage: 'sort',
    numeric: spec.numericOrdering === true,
    caseFirst: spec.caseFirst === 'off' ? 'false' : (spec.caseFirst as 'upper' | 'lower'),
    ignorePunctuation: spec.alternate === 'shifted',
  };
  const at = (sensitivity: Intl.CollatorOptions['sensitivity']) =>
    new Intl.Collator(tag, { ...base, sensitivity }).compare;
  const strength = spec.strength as number;
  // ICU's levels: primary, secondary, case (when caseLevel is on), tertiary, then identical.
  const levels: StringCompare[] = [];
  if (strength === 1) levels.push(at(spec.caseLevel ? 'case' : 'base'));
  else {
    levels.push(at('accent'));
    if (spec.caseLevel) levels.push(at('case'));
    if (strength >= 3) levels.push(at('variant'));
  }
  if (strength === 5) levels.push((a, b) => compareStrings(a.normalize('NFD'), b.normalize('NFD')));
  if (levels.length === 1) {
    const only = levels[0];
    return (a, b) => (a === b ? 0 : Math.sign(only(a, b)));
  }
  return (a, b) => {
    if (a === b) return 0;
    for (const level of levels) {
      const c = level(a, b);
      if (c !== 0) return Math.sign(c);
    }
    return 0;
  };
}

/** True when both are the simple collation or the same collation. */
export function sameCollation(a: Collation | undefined, b: Collation | undefined): boolean {
  return (a?.id ?? 'simple') === (b?.id ?? 'simple');
}

/** True when a value holds a string anywhere (the values a collation can change). */
export function holdsStrings(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(holdsStrings);
  if (isPlainObject(v)) return Object.values(v).some(holdsStrings);
  return (v as { _bsontype?: string })._bsontype === 'BSONSymbol';
}
