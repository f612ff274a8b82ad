import { serialize, type Document } from 'bson';

/**
 * BSON bytes of `doc` with a DBPointer element (type 0x0c) named `name` put first. No driver
 * writes this deprecated type any more, so tests of the readers that walk stored bytes build it
 * by hand: a string (the namespace) followed by a 12-byte ObjectId.
 */
export function withDbPointer(name: string, ns: string, oidHex: string, doc: Document): Buffer {
  const rest = Buffer.from(serialize(doc));
  const nsBytes = Buffer.from(ns + '\0', 'utf8');
  const nsLength = Buffer.alloc(4);
  nsLength.writeInt32LE(nsBytes.length);
  const element = Buffer.concat([
    Buffer.from([0x0c]),
    Buffer.from(name + '\0', 'utf8'),
    nsLength,
    nsBytes,
    Buffer.from(oidHex, 'hex'),
  ]);
  const out = Buffer.concat([rest.subarray(0, 4), element, rest.subarray(4)]);
  out.writeInt32LE(out.length, 0);
  return out;
}
