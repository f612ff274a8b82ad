import { open, rename, unlink } from 'node:fs/promises';
import type { Document } from 'bson';
import { decodeDoc, encodeDoc } from './bson-codec.js';
import { TEMP_SUFFIX, fsyncDir, pathOf, snapshotName } from './data-files.js';
import { encodeFrame, splitBody } from './frame-codec.js';
import { scanFrames } from './frame-reader.js';
import type { SnapshotCollection } from './journal-op.js';
import type { StateBuilder } from './state-builder.js';

export const SNAPSHOT_FORMAT = 'partner-connect-snapshot';
export const SNAPSHOT_VERSION = 1;

/** Documents per frame are capped by size so one frame never needs a huge buffer. */
const FRAME_TARGET_BYTES = 1024 * 1024;
/** Written to the file (and the event loop given back) in pieces of about this size. */
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Writes `snapshot.<seq>`: the whole state before journal `<seq>`. Written to a temp file, fsync'd,
 * renamed into place and the folder fsync'd, so a crash leaves either no snapshot or a complete
 * one. Serializes in pieces, yielding between them, so the server keeps answering meanwhile.
 */
export async function writeSnapshot(
  dir: string,
  seq: number,
  state: readonly SnapshotCollection[]
): Promise<{ bytes: number; docs: number }> {
  const tmp = pathOf(dir, snapshotName(seq) + TEMP_SUFFIX);
  const fh = await open(tmp, 'w', 0o600);
  let position = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let docCount = 0;
  const push = async (frame: Buffer): Promise<void> => {
    pending.push(frame);
    pendingBytes += frame.length;
    if (pendingBytes >= WRITE_CHUNK_BYTES) await flush();
  };
  const flush = async (): Promise<void> => {
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    let written = 0;
    while (written < chunk.length) {
      const r = await fh.write(chunk, written, chunk.length - written, position + written);
      written += r.bytesWritten;
    }
    position += chunk.length;
  };
  try {
    await push(encodeFrame([encodeDoc({ format: SNAPSHOT_FORMAT, v: SNAPSHOT_VERSION, seq })]));
    for (const c of state) {
      await push(
        encodeFrame([encodeDoc({ t: 'coll', ns: c.ns, options: c.options, indexes: c.indexes })])
      );
      let docs: Uint8Array[] = [encodeDoc({ t: 'docs', ns: c.ns })];
      let bytes = 0;
      for (const doc of c.docs) {
        const b = doc instanceof Uint8Array ? doc : encodeDoc(doc);
        docs.push(b);
        bytes += b.length;
        docCount++;
        if (bytes >= FRAME_TARGET_BYTES) {
          await push(encodeFrame(docs));
          docs = [docs[0]];
          bytes = 0;
        }
      }
      if (docs.length > 1) await push(encodeFrame(docs));
    }
    await push(encodeFrame([encodeDoc({ t: 'end', collections: state.length, docs: docCount })]));
    await flush();
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, pathOf(dir, snapshotName(seq)));
  await fsyncDir(dir);
  return { bytes: position, docs: docCount };
}

/**
 * Loads `snapshot.<seq>` into `builder`. Throws if the file is damaged or incomplete in any way:
 * a snapshot was fsync'd before it got its name, so unlike a journal tail it is never torn.
 */
export async function loadSnapshot(
  dir: string,
  seq: number,
  builder: StateBuilder
): Promise<{ docs: number; bytes: number }> {
  const path = pathOf(dir, snapshotName(seq));
  let header: Document | undefined;
  let end: Document | undefined;
  let collections = 0;
  let docs = 0;
  const result = await scanFrames(path, (body) => {
    const parts = splitBody(body);
    const first = decodeDoc(parts[0]);
    if (!header) {
      if (first.format !== SNAPSHOT_FORMAT || first.seq !== seq) {
        throw new Error(`${path} is not snapshot ${seq}`);
      }
      if (first.v > SNAPSHOT_VERSION) {
        throw new Error(`${path} was written by a newer version (format ${first.v})`);
      }
      header = first;
      return;
    }
    if (end) throw new Error(`${path} has data after its end record`);
    if (first.t === 'coll') {
      builder.addCollection(first.ns, first.options, first.indexes);
      collections++;
    } else if (first.t === 'docs') {
      for (let i = 1; i < parts.length; i++) builder.putRaw(first.ns, Buffer.from(parts[i]));
      docs += parts.length - 1;
    } else if (first.t === 'end') {
      end = first;
    } else {
      throw new Error(`${path} has an unknown record ${JSON.stringify(first.t)}`);
    }
  });
  if (result.badReason) {
    throw new Error(`${path} is damaged at byte ${result.goodEnd}: ${result.badReason}`);
  }
  if (!end || end.collections !== collections || end.docs !== docs) {
    throw new Error(`${path} is incomplete`);
  }
  return { docs, bytes: result.fileBytes };
}
