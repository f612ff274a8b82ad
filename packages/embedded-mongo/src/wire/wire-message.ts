import { serialize, type Document } from 'bson';
import { decodeBson } from '../engine/bson-values.js';
import { crc32c } from './crc32c.js';

/** Opcodes of the messages this server reads or writes. */
export const OpCode = { reply: 1, query: 2004, compressed: 2012, msg: 2013 } as const;

/** OP_MSG flag bits (MongoDB wire protocol). */
export const MsgFlag = { checksumPresent: 1, moreToCome: 2, exhaustAllowed: 1 << 16 } as const;

/** Bytes in the standard message header. */
export const HEADER_SIZE = 16;

/** One request, decoded: the command document with kind-1 sequences folded in as arrays. */
export interface WireRequest {
  requestId: number;
  opCode: number;
  /** Legacy OP_QUERY handshake: answered with OP_REPLY. */
  legacy: boolean;
  /** OP_MSG moreToCome: the client expects no reply. */
  moreToCome: boolean;
  command: Document;
  /** OP_QUERY collection name, e.g. `admin.$cmd`. */
  fullCollectionName?: string;
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new Error('unterminated cstring');
  return [buf.toString('utf8', offset, end), end + 1];
}

/** Decodes one complete message (header included). Throws on malformed input. */
export function decodeMessage(msg: Buffer): WireRequest {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OpCode.msg) return decodeOpMsg(msg, requestId);
  if (opCode === OpCode.query) return decodeOpQuery(msg, requestId);
  throw new Error(`unsupported opCode ${opCode}`);
}

function decodeOpMsg(msg: Buffer, requestId: number): WireRequest {
  const flags = msg.readUInt32LE(HEADER_SIZE);
  const end = flags & MsgFlag.checksumPresent ? msg.length - 4 : msg.length;
  // A message that fails its own checksum was damaged on the way: none of it can be trusted.
  if (end !== msg.length && crc32c(msg.subarray(0, end)) !== msg.readUInt32LE(end)) {
    throw new Error('OP_MSG checksum does not match contents');
  }
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = msg[offset];
    offset += 1;
    if (kind === 0) {
      const size = msg.readInt32LE(offset);
      body = decodeBson(msg.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      const size = msg.readInt32LE(offset);
      const sectionEnd = offset + size;
      const [identifier, docsStart] = readCString(msg, offset + 4);
      const docs: Document[] = [];
      let p = docsStart;
      while (p < sectionEnd) {
        const docSize = msg.readInt32LE(p);
        docs.push(decodeBson(msg.subarray(p, p + docSize)));
        p += docSize;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new Error('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return {
    requestId,
    opCode: OpCode.msg,
    legacy: false,
    moreToCome: (flags & MsgFlag.moreToCome) !== 0,
    command: body,
  };
}

function decodeOpQuery(msg: Buffer, requestId: number): WireRequest {
  let offset = HEADER_SIZE + 4; // flags
  const [fullCollectionName, afterName] = readCString(msg, offset);
  offset = afterName + 8; // numberToSkip, numberToReturn
  const size = msg.readInt32LE(offset);
  let command = decodeBson(msg.subarray(offset, offset + size));
  // Legacy clients wrap the command when they add a read preference.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  return {
    requestId,
    opCode: OpCode.query,
    legacy: true,
    moreToCome: false,
    command,
    fullCollectionName,
  };
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** Encodes an OP_MSG reply whose body is already serialized BSON. */
export function encodeOpMsgRaw(responseTo: number, body: Uint8Array): Buffer[] {
  const length = HEADER_SIZE + 4 + 1 + body.length;
  const prefix = Buffer.allocUnsafe(5);
  prefix.writeUInt32LE(0, 0);
  prefix[4] = 0;
  return [
    header(length, responseTo, OpCode.msg),
    prefix,
    Buffer.from(body.buffer, body.byteOffset, body.length),
  ];
}

/** Encodes an OP_MSG reply. */
export function encodeOpMsg(responseTo: number, body: Document): Buffer[] {
  return encodeOpMsgRaw(responseTo, serialize(body));
}

/** Encodes an OP_REPLY (answer to a legacy OP_QUERY) carrying one document. */
export function encodeOpReply(responseTo: number, doc: Document): Buffer[] {
  const body = serialize(doc);
  const fields = Buffer.allocUnsafe(20);
  fields.writeInt32LE(8, 0); // AwaitCapable, as mongod sets it
  fields.writeBigInt64LE(0n, 4);
  fields.writeInt32LE(0, 12);
  fields.writeInt32LE(1, 16);
  return [
    header(HEADER_SIZE + 20 + body.length, responseTo, OpCode.reply),
    fields,
    Buffer.from(body.buffer, body.byteOffset, body.length),
  ];
}
