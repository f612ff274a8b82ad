import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { textLanguage, type TextLanguage } from './languages.js';
import { INDEX_TERMS, stripDiacritics as stripAll, terms, type TokenOptions } from './tokenize.js';

const MAX_WORD_WEIGHT = 100_000;

function cannotCreate(msg: string): MongoCommandError {
  return new MongoCommandError(67, 'CannotCreateIndex', msg);
}

/** Whether an index key pattern (as given or as stored) describes a text index. */
export function isTextKey(key: Document): boolean {
  return Object.entries(key).some(([f, v]) => v === 'text' || f === '_fts');
}

/**
 * A text index spec in the form mongod stores and lists it (its `fixSpec`): the text fields
 * become `_fts: 'text', _ftsx: 1` between the prefix and suffix fields, their weights go to
 * `weights` (sorted by field, whole numbers), then `default_language` (english),
 * `language_override` (language) and `textIndexVersion: 3`.
 */
export function normalizeTextSpec(raw: Document, name: string): Document {
  const key: Document = {};
  const weights = new Map<string, number>();
  let placed = false;
  let phase: 'before' | 'text' | 'after' = 'before';
  for (const [field, v] of Object.entries(raw.key as Document)) {
    if (field === '_fts' || field === '_ftsx') {
      if (field === '_fts' && v !== 'text') throw cannotCreate('expecting _fts:"text"');
      if (field === '_ftsx' && Number(v) !== 1) throw cannotCreate('expecting _ftsx:1');
      key[field] = v;
      placed = true;
      phase = 'after';
      continue;
    }
    if (v === 'text') {
      if (phase === 'after') throw cannotCreate("'text' fields in index must all be adjacent");
      phase = 'text';
      if (!placed) {
        key._fts = 'text';
        key._ftsx = 1;
        placed = true;
      }
      weights.set(field, 1);
      continue;
    }
    if (phase === 'text') phase = 'after';
    if (Number(v) !== 1 && Number(v) !== -1)
      throw cannotCreate('expected value 1 or -1 for non-text key in compound index');
    key[field] = v;
  }
  const given = raw.weights;
  if (isPlainObject(given)) {
    for (const [field, w] of Object.entries(given)) {
      if (typeof w !== 'number' && !(w as { _bsontype?: string })?._bsontype)
        throw cannotCreate('weight for text index needs numeric type');
      weights.set(field, Math.trunc(Number(w)));
    }
  } else if (given === '$**') weights.set('$**', 1);
  else if (given !== undefined) throw cannotCreate("text index option 'weights' must be an object");
  if (weights.size === 0)
    throw cannotCreate("text index option 'weights' must specify fields or the wildcard");
  const sorted: Document = {};
  for (const field of [...weights.keys()].sort()) {
    const w = weights.get(field)!;
    if (w <= 0 || w >= MAX_WORD_WEIGHT)
      throw cannotCreate(
        `text index weight must be in the exclusive interval (0,${MAX_WORD_WEIGHT}) but found: ${w}`
      );
    if (field !== '$**' && field.split('.').some((p) => p === ''))
      throw cannotCreate('weight cannot have empty path component');
    if (field !== '$**' && field.split('.').some((p) => p.startsWith('$')))
      throw cannotCreate('weight cannot have path component with $ prefix');
    sorted[field] = w;
  }
  const lang = raw.default_language ?? 'english';
  if (typeof lang !== 'string') throw cannotCreate('default_language needs a string type');
  textLanguage(lang, () => cannotCreate('default_language is not valid'));
  const override = raw.language_override ?? 'language';
  if (typeof override !== 'string') throw cannotCreate('language_override must be a string');
  if (override === '' || override.startsWith('$') || override.includes('.'))
    throw cannotCreate('language_override is not valid');
  const version = raw.textIndexVersion ?? 3;
  if (Number(version) !== 3)
    throw Errors.notImplemented(
      `textIndexVersion ${String(version)} is not supported by the embedded server (3 is)`
    );
  const out: Document = { v: 2, key, name };
  for (const [k, v] of Object.entries(raw)) {
    if (['v', 'key', 'name', 'weights', 'default_language', 'language_override'].includes(k))
      continue;
    if (k === 'textIndexVersion' || k === 'background') continue;
    out[k] = v;
  }
  out.weights = sorted;
  out.default_language = lang;
  out.language_override = override;
  out.textIndexVersion = 3;
  return out;
}

/** One string a text index reads, with the language and weight it is read with. */
interface TextValue {
  text: string;
  language: TextLanguage;
  weight: number;
}

function overrideError(value: unknown): Error {
  if (typeof value !== 'string')
    return Errors.location(17261, 'found language override field in document with non-string type');
  return Errors.location(17262, `language override unsupported: ${value}`);
}

/** A stored text index spec, compiled: which fields, weights and languages it reads. */
export class TextSpec {
  readonly weights: Map<string, number>;
  readonly wildcard: boolean;
  readonly defaultLanguage: TextLanguage;
  readonly languageOverride: string;
  /** Key fields before `_fts` (queries must pin them by equality) and after it. */
  readonly prefix: string[] = [];
  readonly suffix: string[] = [];

  constructor(spec: Document) {
    const weights = spec.weights as Document;
    this.wildcard = '$**' in weights;
    this.weights = new Map(
      Object.entries(weights)
        .filter(([f]) => f !== '$**')
        .map(([f, w]) => [f, Number(w)])
    );
    this.defaultLanguage = textLanguage(String(spec.default_language), () =>
      cannotCreate('default_language is not valid')
    );
    this.languageOverride = String(spec.language_override);
    let after = false;
    for (const field of Object.keys(spec.key as Document)) {
      if (field === '_fts' || field === '_ftsx') after = true;
      else (after ? this.suffix : this.prefix).push(field);
    }
  }

  private languageOf(doc: Document, inherited: TextLanguage): TextLanguage {
    const v = doc[this.languageOverride];
    if (v === undefined) return inherited;
    if (typeof v !== 'string') throw overrideError(v);
    return textLanguage(v, () => overrideError(v));
  }

  /**
   * The strings the index reads (mongod's FTSElementIterator): fields with a weight, or every
   * string under the wildcard (the language field aside); arrays are walked, and a
   * subdocument's own language field changes the language below it.
   */
  values(doc: Document): TextValue[] {
    const out: TextValue[] = [];
    const visit = (obj: Document, path: string, language: TextLanguage, inArray: boolean) => {
      const lang = Array.isArray(obj) ? language : this.languageOf(obj, language);
      for (const [field, v] of Object.entries(obj)) {
        if (this.wildcard && field === this.languageOverride && !Array.isArray(obj)) continue;
        const dotted = path === '' ? field : inArray ? path : `${path}.${field}`;
        const exact = this.weights.get(dotted);
        const prefixOfWeight = [...this.weights.keys()].some((w) => w.startsWith(dotted + '.'));
        if (!this.wildcard && exact === undefined && !prefixOfWeight) continue;
        const weight = exact ?? 1;
        if (typeof v === 'string') {
          if (exact !== undefined || this.wildcard) out.push({ text: v, language: lang, weight });
        } else if (Array.isArray(v)) {
          if (!inArray || this.wildcard) visit(v as unknown as Document, dotted, lang, true);
        } else if (isPlainObject(v)) {
          if (exact === undefined || this.wildcard) visit(v, dotted, lang, false);
        }
      }
    };
    visit(doc, '', this.languageOf(doc, this.defaultLanguage), false);
    return out;
  }

  /**
   * Each term's score in a document, as mongod computes it: per string, a term's repeats count
   * 1, 1/2, 1/4...; times (0.5 * its share of the string's terms + 0.5), times the field's
   * weight, and 1.1 when the term is the whole string; summed over the strings.
   */
  scores(doc: Document): Map<string, number> {
    const out = new Map<string, number>();
    for (const { text, language, weight } of this.values(doc)) {
      const found = terms(text, language, INDEX_TERMS);
      const perTerm = new Map<string, { freq: number; count: number; exp: number }>();
      for (const term of found) {
        const d = perTerm.get(term) ?? { freq: 0, count: 0, exp: 0 };
        d.exp = d.exp === 0 ? 1 : d.exp * 2;
        d.count += 1;
        d.freq += 1 / d.exp;
        perTerm.set(term, d);
      }
      for (const [term, d] of perTerm) {
        const coeff = (0.5 * d.count) / found.length + 0.5;
        const adjustment =
          Buffer.byteLength(text) === Buffer.byteLength(term) &&
          text.toLowerCase() === term.toLowerCase()
            ? 1.1
            : 1;
        out.set(term, (out.get(term) ?? 0) + weight * d.freq * coeff * adjustment);
      }
    }
    return out;
  }

  /** Whether any string the index reads holds one of `wanted` (tokenized with `opts`). */
  holdsTerm(doc: Document, wanted: Set<string>, opts: TokenOptions): boolean {
    for (const { text, language } of this.values(doc))
      for (const term of terms(text, language, opts)) if (wanted.has(term)) return true;
    return false;
  }

  /** Whether any string the index reads contains `phrase` (case and diacritics folded unless asked). */
  holdsPhrase(doc: Document, phrase: string, opts: TokenOptions): boolean {
    const fold = (s: string) => {
      const c = opts.caseSensitive ? s : s.toLowerCase();
      return opts.diacriticSensitive ? c : stripAll(c);
    };
    const needle = fold(phrase);
    return this.values(doc).some(({ text }) => fold(text).includes(needle));
  }
}

/** A parsed `$text` query. */
export interface TextQuery {
  language?: string;
  caseSensitive: boolean;
  diacriticSensitive: boolean;
  /** Folded terms the index is probed with (the positive ones). */
  boundsTerms: Set<string>;
  positiveTerms: Set<string>;
  negatedTerms: Set<string>;
  positivePhrases: string[];
  negatedPhrases: string[];
}

function field(spec: Document, name: string, type: 'string' | 'boolean'): unknown {
  const v = spec[name];
  if (v === undefined) return undefined;
  if (typeof v !== type)
    throw Errors.typeMismatch(
      `"${name}" had the wrong type. Expected ${type === 'string' ? 'string' : 'bool'}, found ${typeof v}`
    );
  return v;
}

/** Parses `{ $search, $language, $caseSensitive, $diacriticSensitive }` as mongod does. */
export function parseTextOperator(spec: unknown): Document {
  if (!isPlainObject(spec)) throw Errors.badValue('$text expects an object');
  if (spec.$search === undefined)
    throw new MongoCommandError(4, 'NoSuchKey', 'Missing expected field "$search"');
  field(spec, '$search', 'string');
  let expected = 1;
  for (const [name, type] of [
    ['$language', 'string'],
    ['$caseSensitive', 'boolean'],
    ['$diacriticSensitive', 'boolean'],
  ] as const) {
    if (field(spec, name, type) !== undefined) expected += 1;
  }
  if (Object.keys(spec).length !== expected) throw Errors.badValue('extra fields in $text');
  return spec;
}

/**
 * The search string's terms, phrases and negations (mongod's FTSQueryImpl): words split at
 * spaces and '-' and '"'; a '-' after a space negates the next word or phrase; terms within a
 * negated phrase are dropped; stop words never count.
 */
export function textQuery(spec: Document, language: TextLanguage): TextQuery {
  const search = spec.$search as string;
  const caseSensitive = spec.$caseSensitive === true;
  const diacriticSensitive = spec.$diacriticSensitive === true;
  const positive: string[] = [];
  const negative: string[] = [];
  const positivePhrases: string[] = [];
  const negatedPhrases: string[] = [];
  let inNegation = false;
  let inPhrase = false;
  let quoteAt = 0;
  const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
  let i = 0;
  while (i < search.length && isSpace(search[i])) i++;
  let previousWhiteSpace = true;
  while (i < search.length) {
    const start = i;
    const c = search[i];
    let text: string | undefined;
    if (c === '-' || c === '"') i++;
    else {
      while (i < search.length && !isSpace(search[i]) && search[i] !== '-' && search[i] !== '"')
        i++;
      text = search.slice(start, i);
    }
    const before = previousWhiteSpace;
    const wsStart = i;
    while (i < search.length && isSpace(search[i])) i++;
    previousWhiteSpace = i > wsStart;
    if (text !== undefined) {
      if (inPhrase && inNegation) continue;
      if (inNegation && before) inNegation = false;
      (inNegation ? negative : positive).push(text);
    } else if (c === '-') {
      if (!inPhrase && before) inNegation = true;
    } else if (inPhrase) {
      const phrase = search.slice(quoteAt + 1, start);
      (inNegation ? negatedPhrases : positivePhrases).push(phrase);
      inPhrase = false;
    } else {
      inPhrase = true;
      if (inNegation && before) inNegation = false;
      quoteAt = start;
    }
  }
  const folded = { filterStopWords: true, caseSensitive: false, diacriticSensitive: false };
  const exact = { filterStopWords: true, caseSensitive, diacriticSensitive };
  const sensitive = caseSensitive || diacriticSensitive;
  const termsOf = (ws: string[], opts: TokenOptions) =>
    new Set(terms(ws.join(' '), language, opts));
  return {
    language: spec.$language as string | undefined,
    caseSensitive,
    diacriticSensitive,
    boundsTerms: termsOf(positive, folded),
    positiveTerms: termsOf(positive, sensitive ? exact : folded),
    negatedTerms: termsOf(negative, sensitive ? exact : folded),
    positivePhrases,
    negatedPhrases,
  };
}

/** The `$language` of a query, else the index's default, with mongod's error for unknown ones. */
export function queryLanguage(spec: Document, index: TextSpec): TextLanguage {
  const name = spec.$language as string | undefined;
  if (name === undefined || name === '') return index.defaultLanguage;
  return textLanguage(name, () =>
    Errors.badValue(`unsupported language: "${name}" for text index version 3`)
  );
}
