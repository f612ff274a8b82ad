import { open, unlink } from 'node:fs/promises';
import type { Logger } from '../logger.js';
import { decodeDoc } from './bson-codec.js';
import { findElement, stringValue } from './bson-raw.js';
import { fsyncDir, journalName, pathOf } from './data-files.js';
import { splitBody } from './frame-codec.js';
import { hasValidFrameFrom, scanFrames } from './frame-reader.js';
import type { JournalOp } from './journal-op.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION } from './journal-writer.js';
import type { StateBuilder } from './state-builder.js';

/**
 * Replays journals `seqs` (ascending, contiguous) into `builder`. A bad frame with nothing valid
 * after it (in this journal or a later one) is a torn tail: it is cut off and logged. A bad frame
 * followed by a valid one cannot come from a crash (a frame is written only after the previous
 * one is durable), so opening fails instead of silently losing the data behind the damage.
 * Returns where appending continues, or undefined when there is no journal.
 */
export async function replayJournals(
  dir: string,
  seqs: number[],
  builder: StateBuilder,
  logger: Logger
): Promise<{ seq: number; size: number } | undefined> {
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i];
    const path = pathOf(dir, journalName(seq));
    let sawHeader = false;
    const result = await scanFrames(path, (body, offset) => {
      for (const bytes of splitBody(body)) {
        if (offset === 0 && !sawHeader) {
          checkHeader(path, decodeDoc(bytes), seq);
          sawHeader = true;
          continue;
        }
        replayOp(bytes, builder);
      }
    });
    if (result.badReason === undefined) {
      if (i === seqs.length - 1) return { seq, size: result.goodEnd };
      continue;
    }
    const later = seqs.slice(i + 1);
    const damagedInMiddle =
      result.validFrameAfterBad !== undefined ||
      (await someHasValidFrame(later.map((s) => pathOf(dir, journalName(s)))));
    if (damagedInMiddle) {
      throw new Error(
        `The journal ${path} is damaged at byte ${result.goodEnd} (${result.badReason}) and ` +
          `valid records follow the damage, so this is not an interrupted write. Refusing to ` +
          `open rather than lose those records: restore the data folder from a backup, or move ` +
          `the damaged file away to accept losing everything after byte ${result.goodEnd}.`
      );
    }
    logger.warn(
      {
        journal: path,
        keptBytes: result.goodEnd,
        droppedBytes: result.fileBytes - result.goodEnd,
        reason: result.badReason,
      },
      'dropping a torn record at the end of the journal (a write interrupted by a crash)'
    );
    await truncate(path, result.goodEnd);
    for (const s of later) await unlink(pathOf(dir, journalName(s)));
    if (later.length > 0) await fsyncDir(dir);
    return { seq, size: result.goodEnd };
  }
  return undefined;
}

/** Puts (nearly every record) are applied from their bytes; other ops are decoded. */
function replayOp(bytes: Uint8Array, builder: StateBuilder): void {
  const op = findElement(bytes, 'op');
  if (op?.type === 0x02 && stringValue(bytes, op) === 'put') {
    const ns = findElement(bytes, 'ns');
    const doc = findElement(bytes, 'doc');
    if (ns?.type === 0x02 && doc?.type === 0x03) {
      // A copy of its own, so the document does not pin the whole read buffer in memory.
      builder.putRaw(stringValue(bytes, ns), Buffer.from(bytes.subarray(doc.valueStart, doc.end)));
      return;
    }
  }
  builder.apply(decodeDoc(bytes) as JournalOp);
}

function checkHeader(path: string, doc: Record<string, unknown>, seq: number): void {
  if (doc.format !== JOURNAL_FORMAT) throw new Error(`${path} is not a journal of this server`);
  if ((doc.v as number) > JOURNAL_VERSION) {
    throw new Error(`${path} was written by a newer version (format ${String(doc.v)})`);
  }
  if (doc.seq !== seq) throw new Error(`${path} says it is journal ${String(doc.seq)}`);
}

async function someHasValidFrame(paths: string[]): Promise<boolean> {
  for (const p of paths) if (await hasValidFrameFrom(p, 0)) return true;
  return false;
}

async function truncate(path: string, size: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(size);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
