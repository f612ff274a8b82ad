import { crc32 } from 'node:zlib';

/**
 * On-disk unit of the journal and snapshot files:
 * `[body length u32 LE][crc32 of body u32 LE][body]`,
 * where the body is one or more BSON documents back to back. One group commit = one frame, so a
 * frame is all-or-nothing, and a torn write is caught by the length or the checksum.
 */
export const FRAME_HEADER_BYTES = 8;

/** Larger "lengths" are garbage, not frames (a frame is at most one group of commits). */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

/** Builds one frame from BSON documents (each already serialized). */
export function encodeFrame(docs: readonly Uint8Array[]): Buffer {
  let bodyLength = 0;
  for (const d of docs) bodyLength += d.byteLength;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
  let at = FRAME_HEADER_BYTES;
  for (const d of docs) {
    frame.set(d, at);
    at += d.byteLength;
  }
  frame.writeUInt32LE(bodyLength, 0);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

/** True when `body` is a sequence of BSON documents whose lengths add up exactly. */
export function isWellFormedBody(body: Uint8Array): boolean {
  let at = 0;
  while (at < body.byteLength) {
    if (body.byteLength - at < 5) return false;
    const len = readU32(body, at);
    if (len < 5 || at + len > body.byteLength || body[at + len - 1] !== 0) return false;
    at += len;
  }
  return at === body.byteLength && at > 0;
}

/** Splits a checked frame body into its BSON documents (views, not copies). */
export function splitBody(body: Uint8Array): Uint8Array[] {
  const docs: Uint8Array[] = [];
  let at = 0;
  while (at < body.byteLength) {
    const len = readU32(body, at);
    docs.push(body.subarray(at, at + len));
    at += len;
  }
  return docs;
}

/** Checksum of a frame body. */
export function bodyChecksum(body: Uint8Array): number {
  return crc32(body);
}

export function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
