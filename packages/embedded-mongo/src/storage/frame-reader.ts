import { open, type FileHandle } from 'node:fs/promises';
import {
  FRAME_HEADER_BYTES,
  MAX_FRAME_BYTES,
  bodyChecksum,
  isWellFormedBody,
  readU32,
} from './frame-codec.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** Where reading a file of frames stopped. */
export interface FrameScanResult {
  fileBytes: number;
  /** End of the last good frame: everything before it was delivered. */
  goodEnd: number;
  /** Why the frame at `goodEnd` is bad; undefined when the file ended cleanly. */
  badReason?: string;
  /** Offset of a valid frame found after the bad one (so the damage is not just a torn tail). */
  validFrameAfterBad?: number;
}

/**
 * Reads a file frame by frame, handing each verified body to `onFrame` (a view valid only during
 * the call). Stops at the first bad frame and then looks for any valid frame after it, so the
 * caller can tell a torn tail (nothing valid follows) from damage in the middle.
 */
export async function scanFrames(
  path: string,
  onFrame: (body: Uint8Array, offset: number) => void
): Promise<FrameScanResult> {
  const fh = await open(path, 'r');
  try {
    const fileBytes = (await fh.stat()).size;
    const reader = new ChunkReader(fh, fileBytes);
    let pos = 0;
    while (pos < fileBytes) {
      const bad = await checkFrame(reader, pos, fileBytes);
      if (typeof bad === 'string') {
        const validFrameAfterBad = await findValidFrame(reader, pos + 1, fileBytes);
        return { fileBytes, goodEnd: pos, badReason: bad, validFrameAfterBad };
      }
      onFrame(bad.body, pos);
      pos += FRAME_HEADER_BYTES + bad.body.byteLength;
    }
    return { fileBytes, goodEnd: pos };
  } finally {
    await fh.close();
  }
}

/** True when the file holds at least one valid frame at or after `from`. */
export async function hasValidFrameFrom(path: string, from: number): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const fileBytes = (await fh.stat()).size;
    return (await findValidFrame(new ChunkReader(fh, fileBytes), from, fileBytes)) !== undefined;
  } finally {
    await fh.close();
  }
}

async function checkFrame(
  reader: ChunkReader,
  pos: number,
  fileBytes: number
): Promise<{ body: Uint8Array } | string> {
  if (fileBytes - pos < FRAME_HEADER_BYTES) return 'incomplete frame header';
  const header = await reader.read(pos, FRAME_HEADER_BYTES);
  const length = readU32(header, 0);
  const checksum = readU32(header, 4);
  if (length === 0 || length > MAX_FRAME_BYTES) return `impossible frame length ${length}`;
  if (pos + FRAME_HEADER_BYTES + length > fileBytes) return 'frame runs past the end of the file';
  const body = await reader.read(pos + FRAME_HEADER_BYTES, length);
  if (bodyChecksum(body) !== checksum) return 'checksum mismatch';
  if (!isWellFormedBody(body)) return 'malformed BSON in frame';
  return { body };
}

async function findValidFrame(
  reader: ChunkReader,
  from: number,
  fileBytes: number
): Promise<number | undefined> {
  for (let pos = from; pos + FRAME_HEADER_BYTES + 5 <= fileBytes; pos++) {
    // Cheap filters first, from the buffered window without awaiting: most offsets in garbage
    // fail them, so scanning a damaged region costs little even byte by byte.
    const header =
      reader.peek(pos, FRAME_HEADER_BYTES + 4) ?? (await reader.read(pos, FRAME_HEADER_BYTES + 4));
    const length = readU32(header, 0);
    const firstDoc = readU32(header, 8);
    if (length < 5 || pos + FRAME_HEADER_BYTES + length > fileBytes) continue;
    if (firstDoc < 5 || firstDoc > length) continue;
    if (typeof (await checkFrame(reader, pos, fileBytes)) !== 'string') return pos;
  }
  return undefined;
}

/** Serves small reads from a large buffered window, so scanning costs few system calls. */
class ChunkReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly fileBytes: number
  ) {}

  /** The bytes if the current window holds them, without a read. */
  peek(pos: number, length: number): Buffer | undefined {
    const end = Math.min(pos + length, this.fileBytes);
    if (pos >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(pos - this.windowStart, end - this.windowStart);
    }
    return undefined;
  }

  async read(pos: number, length: number): Promise<Buffer> {
    const inWindow = this.peek(pos, length);
    if (inWindow) return inWindow;
    const size = Math.min(Math.max(length, CHUNK_BYTES), this.fileBytes - pos);
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await this.fh.read(buf, got, size - got, pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.window = buf.subarray(0, got);
    this.windowStart = pos;
    return this.window.subarray(0, Math.min(length, got));
  }
}
