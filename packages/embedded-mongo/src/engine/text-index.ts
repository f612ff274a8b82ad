import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { TextSpec } from '../query/text/text-spec.js';
import {
  IndexStructure,
  indexPathValues,
  type IndexKey,
  type IndexSpec,
} from './index-structure.js';
import { encodeKey } from './key-encoding.js';

/**
 * A text index: an inverted index from (prefix values, term) to the documents holding the
 * term and the term's score in each, so a `$text` query reads only the documents holding one
 * of its terms and their scores come from the index, as on mongod.
 */
export class TextIndexStructure extends IndexStructure {
  readonly text: TextSpec;
  /** Key (encoded prefix values + term) -> `_id` key -> the term's score in that document. */
  readonly postings = new Map<string, Map<string, number>>();

  constructor(spec: IndexSpec) {
    super(spec);
    this.text = new TextSpec(spec);
  }

  /** The encoded prefix of a document or query: one value per prefix field. */
  prefixKey(values: unknown[]): string {
    return values.map((v) => encodeKey(v ?? null)).join('|') + '#';
  }

  override keysOf(doc: Document): IndexKey[] {
    if (this.partial && !this.partial(doc)) return [];
    const prefixValues = this.text.prefix.map((f) => {
      const vals = indexPathValues(doc, f);
      if (vals.length > 1 || Array.isArray(vals[0]))
        throw Errors.location(16675, 'cannot have a multi-key as a prefix to a text index');
      return vals[0] ?? null;
    });
    const prefix = this.prefixKey(prefixValues);
    const keys: IndexKey[] = [];
    for (const [term, score] of this.text.scores(doc))
      keys.push({ full: prefix + term, first: prefix + term, values: [term, score] });
    return keys;
  }

  override add(idKey: string, keys: IndexKey[]): void {
    for (const k of keys) {
      let ids = this.postings.get(k.full);
      if (!ids) {
        ids = new Map();
        this.postings.set(k.full, ids);
      }
      ids.set(idKey, k.values[1] as number);
    }
  }

  override remove(idKey: string, keys: IndexKey[]): void {
    for (const k of keys) {
      const ids = this.postings.get(k.full);
      if (!ids) continue;
      ids.delete(idKey);
      if (ids.size === 0) this.postings.delete(k.full);
    }
  }

  override get isText(): boolean {
    return true;
  }

  override conflict(): IndexKey | undefined {
    return undefined;
  }

  override withSpec(spec: IndexSpec): IndexStructure {
    const next = new TextIndexStructure(spec);
    for (const [k, ids] of this.postings) next.postings.set(k, new Map(ids));
    return next;
  }

  /**
   * Documents holding any of `terms` under the prefix the query pins, with their score: the
   * sum of the scores of the distinct terms each holds (mongod's TEXT_OR).
   */
  search(filter: Document, terms: Set<string>): Map<string, number> {
    const prefixValues = this.text.prefix.map((f) => {
      const cond = filter[f];
      const isOp =
        cond !== null &&
        typeof cond === 'object' &&
        !Array.isArray(cond) &&
        !('_bsontype' in cond) &&
        Object.keys(cond).some((k) => k.startsWith('$'));
      const value = isOp ? (cond as Document).$eq : cond;
      if (value === undefined || (isOp && Object.keys(cond as Document).length !== 1))
        throw new MongoCommandError(
          291,
          'NoQueryExecutionPlans',
          'error processing query: planner returned error :: caused by :: failed to use text index to satisfy $text query (if text index is compound, are equality predicates given for all prefix fields?)'
        );
      return value;
    });
    const prefix = this.prefixKey(prefixValues);
    const scores = new Map<string, number>();
    for (const term of terms) {
      const ids = this.postings.get(prefix + term);
      if (!ids) continue;
      for (const [id, s] of ids) scores.set(id, (scores.get(id) ?? 0) + s);
    }
    return scores;
  }
}

/** The index structure a spec describes. */
export function makeIndex(spec: IndexSpec): IndexStructure {
  return (spec.key as Document)._fts === 'text'
    ? new TextIndexStructure(spec)
    : new IndexStructure(spec);
}
