import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { Collection } from '../engine/collection.js';
import type { QueryEnv } from '../engine/collection.js';
import { updateHit, withIdFirst } from '../engine/write-ops.js';
import { isPlainObject } from '../query/bson-types.js';
import { getPathValues, sameCollation } from '../query/index.js';
import type { JournalOp } from '../storage/data-store.js';
import type { CommandContext } from './command-context.js';
import { letVariables } from './query-env.js';
import { evaluate } from '../query/expression.js';
import { validationWarner } from './write.commands.js';

/** A pipeline's final `$out` or `$merge`, parsed. */
export type WriteStage =
  | { kind: '$out'; coll: string }
  | {
      kind: '$merge';
      coll: string;
      on: string[];
      whenMatched: 'replace' | 'keepExisting' | 'merge' | 'fail' | Document[];
      whenNotMatched: 'insert' | 'discard' | 'fail';
      /** `let`: expressions evaluated against each result document. */
      letSpec?: Document;
    };

function target(spec: unknown, ctx: CommandContext, stage: string): string {
  if (typeof spec === 'string') return spec;
  if (isPlainObject(spec) && typeof spec.coll === 'string') {
    if (spec.db !== undefined && spec.db !== ctx.db)
      throw Errors.notImplemented(
        `${stage} to another database is not supported by the embedded server`
      );
    return spec.coll;
  }
  throw Errors.failedToParse(`${stage} requires a collection name`);
}

/**
 * Finds `$out`/`$merge` (only as the last stage, as mongod requires) and checks their specs
 * before anything runs; returns undefined for a read-only pipeline.
 */
export function checkWriteStages(stages: Document[]): Document | undefined {
  stages.forEach((s, i) => {
    const op = isPlainObject(s) ? Object.keys(s)[0] : undefined;
    if ((op === '$out' || op === '$merge') && i !== stages.length - 1)
      throw Errors.location(40601, `${op} can only be the final stage in the pipeline`);
  });
  const last = stages[stages.length - 1];
  const op = isPlainObject(last) ? Object.keys(last)[0] : undefined;
  return op === '$out' || op === '$merge' ? last : undefined;
}

/** `$merge`'s `let`: names checked now, values evaluated per document. */
function checkedLet(raw: unknown): Document | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) throw Errors.typeMismatch("$merge 'let' must be an object");
  for (const name of Object.keys(raw)) letVariables({ [name]: null });
  return raw;
}

function parseWriteStage(stage: Document, ctx: CommandContext): WriteStage {
  if ('$out' in stage) return { kind: '$out', coll: target(stage.$out, ctx, '$out') };
  const raw = stage.$merge;
  const spec = typeof raw === 'string' ? { into: raw } : raw;
  if (!isPlainObject(spec)) throw Errors.failedToParse('$merge requires a document');
  for (const k of Object.keys(spec)) {
    if (!['into', 'on', 'let', 'whenMatched', 'whenNotMatched'].includes(k))
      throw new MongoCommandError(
        40415,
        'Location40415',
        `BSON field '$merge.${k}' is an unknown field.`
      );
  }
  const on =
    spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? spec.on : [spec.on as string];
  if (on.length === 0 || on.some((f) => typeof f !== 'string'))
    throw Errors.failedToParse("$merge 'on' must be a field name or an array of field names");
  const whenMatched = spec.whenMatched ?? 'merge';
  if (
    !Array.isArray(whenMatched) &&
    !['replace', 'keepExisting', 'merge', 'fail'].includes(whenMatched as string)
  )
    throw Errors.badValue(
      `Enumeration value '${String(whenMatched)}' for field '$merge.whenMatched' is not a valid value.`
    );
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  if (!['insert', 'discard', 'fail'].includes(whenNotMatched as string))
    throw Errors.badValue(
      `Enumeration value '${String(whenNotMatched)}' for field '$merge.whenNotMatched' is not a valid value.`
    );
  if (spec.let !== undefined && !Array.isArray(whenMatched))
    throw Errors.location(
      51199,
      "Cannot use 'let' variables with 'whenMatched: " + String(whenMatched) + "' mode"
    );
  return {
    kind: '$merge',
    coll: target(spec.into, ctx, '$merge'),
    on: on as string[],
    whenMatched: whenMatched as 'replace' | 'keepExisting' | 'merge' | 'fail' | Document[],
    whenNotMatched: whenNotMatched as 'insert' | 'discard' | 'fail',
    letSpec: checkedLet(spec.let),
  };
}

/**
 * Writes a pipeline's results. `$out` replaces the target whole: its documents are built into
 * a new collection with the target's options and indexes first, so a failure (a duplicate key)
 * leaves the target as it was, and the swap is one journal record. `$merge` writes document by
 * document, as mongod does: a failure keeps what was written before it.
 */
export async function writeResults(
  ctx: CommandContext,
  stage: Document,
  results: Document[],
  env: QueryEnv,
  bypass: boolean
): Promise<void> {
  const parsed = parseWriteStage(stage, ctx);
  const existing = ctx.catalog.get(ctx.db, parsed.coll);
  if (existing?.isView)
    throw new MongoCommandError(
      166,
      'CommandNotSupportedOnView',
      `Namespace ${existing.ns} is a view, not a collection`
    );
  if (parsed.kind === '$out') return writeOut(ctx, parsed.coll, existing, results, bypass);
  return writeMerge(ctx, parsed, existing, results, env, bypass);
}

async function writeOut(
  ctx: CommandContext,
  name: string,
  existing: Collection | undefined,
  results: Document[],
  bypass: boolean
): Promise<void> {
  const built = new Collection(ctx.db, name, existing?.options ?? {});
  for (const ix of existing?.indexes ?? []) built.addIndex(ix.spec);
  const warn = validationWarner(ctx);
  for (const doc of results) {
    const stored = withIdFirst(doc);
    const warning = built.checkValidation(stored, undefined, bypass);
    if (warning) warn(warning, built.ns);
    built.insert(stored);
  }
  const ops: JournalOp[] = [];
  if (existing) ctx.catalog.drop(ctx.db, name, ops);
  ctx.cursors.killNamespace(`${ctx.db}.${name}`);
  ctx.catalog.adopt(built, ops);
  await ctx.catalog.commit(ops);
}

function onKey(doc: Document, on: string[]): Document {
  const key: Document = {};
  for (const f of on) {
    const values = getPathValues(doc, f);
    const v = values.length === 1 ? values[0] : undefined;
    if (v === undefined || v === null || Array.isArray(v) || values.length !== 1)
      throw Errors.location(
        51132,
        "$merge write error: 'on' field cannot be missing, null, undefined or an array"
      );
    key[f] = v;
  }
  return key;
}

async function writeMerge(
  ctx: CommandContext,
  stage: WriteStage & { kind: '$merge' },
  existing: Collection | undefined,
  results: Document[],
  env: QueryEnv,
  bypass: boolean
): Promise<void> {
  const byId = stage.on.length === 1 && stage.on[0] === '_id';
  if (!byId) {
    // mongod requires a unique index on exactly the 'on' fields to match documents by.
    const fields = [...stage.on].sort().join('\u0000');
    const ok = existing?.indexes.some(
      (ix) =>
        ix.unique &&
        !ix.spec.partialFilterExpression &&
        [...ix.fields].sort().join('\u0000') === fields &&
        sameCollation(ix.collation, env.collation)
    );
    if (!ok)
      throw Errors.location(51183, 'Cannot find index to verify that join fields will be unique');
  }
  const ops: JournalOp[] = [];
  const warn = validationWarner(ctx);
  try {
    for (const raw of results) {
      const doc = byId ? withIdFirst(raw) : raw;
      const key = onKey(doc, stage.on);
      const coll = ctx.catalog.get(ctx.db, stage.coll);
      const hit = coll?.find(key, 1, undefined, { collation: env.collation })[0];
      if (!hit) {
        if (stage.whenNotMatched === 'discard') continue;
        if (stage.whenNotMatched === 'fail')
          throw Errors.location(
            13113,
            '$merge could not find a matching document in the target collection for at least one document in the source collection'
          );
        const target = ctx.catalog.ensure(ctx.db, stage.coll, ops);
        const stored = withIdFirst(doc);
        const warning = target.checkValidation(stored, undefined, bypass);
        if (warning) warn(warning, target.ns);
        ops.push(target.insert(stored));
        continue;
      }
      const wm = stage.whenMatched;
      if (wm === 'keepExisting') continue;
      if (wm === 'fail')
        throw new MongoCommandError(
          11000,
          'DuplicateKey',
          `$merge failed due to a DuplicateKey error on ${coll!.ns}`,
          { keyPattern: Object.fromEntries(stage.on.map((f) => [f, 1])), keyValue: key }
        );
      const { _id: _drop, ...fields } = doc;
      void _drop;
      const update: Document | Document[] =
        wm === 'replace' ? fields : wm === 'merge' ? { $set: fields } : (wm as Document[]);
      // Without `let`, a pipeline sees the result document as $$new (mongod's default).
      const letSpec = stage.letSpec;
      const variables = !Array.isArray(wm)
        ? undefined
        : letSpec
          ? Object.fromEntries(Object.entries(letSpec).map(([k, e]) => [k, evaluate(doc, e)]))
          : { new: doc };
      if (wm === 'merge' && Object.keys(fields).length === 0) continue;
      updateHit(
        coll!,
        hit,
        { update, variables, bypassValidation: bypass, onValidationWarning: warn },
        key,
        ops
      );
    }
  } finally {
    await ctx.catalog.commit(ops);
  }
}
