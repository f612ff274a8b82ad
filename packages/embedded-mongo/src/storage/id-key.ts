import { BSON } from 'bson';

/**
 * A string key for an `_id` value that is equal exactly when MongoDB considers two `_id`s equal:
 * type-tagged, so ObjectId('…') and the string '…' never collide, and numbers compare by value
 * across number/Int32/Double/Long/Decimal128 (1, Int32(1) and Long(1) are one `_id`).
 */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return 's' + id;
  if (typeof id === 'number') return numberKey(id);
  if (id === null || id === undefined) return 'z';
  if (typeof id === 'object') {
    const type = (id as { _bsontype?: string })._bsontype;
    switch (type) {
      case 'ObjectId':
        return 'o' + (id as { toHexString(): string }).toHexString();
      case 'Int32':
      case 'Double':
        return numberKey((id as { value: number }).value);
      case 'Long': {
        const long = id as { toNumber(): number; toString(): string };
        const n = long.toNumber();
        return Number.isSafeInteger(n) ? numberKey(n) : 'n' + long.toString();
      }
      case 'Decimal128': {
        const text = (id as { toString(): string }).toString();
        const n = Number(text);
        return Number.isFinite(n) && String(n) === text ? numberKey(n) : 'd' + text;
      }
    }
  }
  // Dates, Binary, embedded documents, arrays, booleans…: their BSON bytes identify them.
  return 'b' + Buffer.from(BSON.serialize({ _id: id })).toString('base64');
}

function numberKey(n: number): string {
  return 'n' + (Object.is(n, -0) ? '0' : String(n));
}
