import type { Document } from 'bson';
import { Errors } from '../../errors.js';

/**
 * A matched document's text score, carried on the document itself (a symbol key: never
 * serialized, never seen by Object.keys) from the `$text` match to the projection or sort
 * that asks for `{ $meta: 'textScore' }`.
 */
export const TEXT_SCORE = Symbol('textScore');

/** A predicate that evaluates `$text` for one filter (the whole filter: prefix equalities). */
export type TextSearch = (spec: unknown, root: Document) => (doc: Document) => boolean;

export function textScoreOf(doc: Document): number {
  const s = (doc as { [TEXT_SCORE]?: number })[TEXT_SCORE];
  if (s === undefined)
    throw Errors.location(40218, 'query requires text score metadata, but it is not available');
  return s;
}

export function setTextScore(doc: Document, score: number): void {
  (doc as { [TEXT_SCORE]?: number })[TEXT_SCORE] = score;
}

/** Carries the score from a stage's input document to its output. */
export function keepTextScore(from: Document, to: Document): Document {
  const s = (from as { [TEXT_SCORE]?: number })[TEXT_SCORE];
  if (s !== undefined && from !== to) setTextScore(to, s);
  return to;
}

/** `{ $meta: ... }` as a projection or sort value: 'textScore' is served; other kinds refused. */
export function isTextScoreMeta(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v as Document);
  if (keys.length !== 1 || keys[0] !== '$meta') return false;
  const kind = (v as Document).$meta;
  if (kind === 'textScore') return true;
  if (
    typeof kind === 'string' &&
    [
      'searchScore',
      'searchHighlights',
      'indexKey',
      'recordId',
      'randVal',
      'geoNearDistance',
      'geoNearPoint',
      'sortKey',
      'searchScoreDetails',
      'vectorSearchScore',
      'searchSequenceToken',
    ].includes(kind)
  )
    throw Errors.notImplemented(`$meta '${kind}' is not supported by the embedded server`);
  throw Errors.badValue(`Unsupported argument to $meta: ${String(kind)}`);
}
