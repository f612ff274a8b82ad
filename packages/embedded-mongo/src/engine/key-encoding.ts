import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  type Document,
} from 'bson';

/**
 * Canonical string for an index key value. Values MongoDB treats as equal get the same string
 * (1, 1.0, Long(1) and Decimal128('1') collide; null and missing collide), and every encoding is
 * self-delimiting so compound keys can be joined without ambiguity.
 */
export function encodeKey(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  switch (typeof value) {
    case 'string':
      // JSON text is the only encoding starting with '"', and it comes out flat (compact).
      return JSON.stringify(value);
    case 'number':
      return flatAscii('n' + encodeNumber(value));
    case 'bigint':
      return 'n' + value.toString();
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'object':
      break;
    default:
      return 'u' + JSON.stringify(String(value));
  }
  if (value instanceof ObjectId) return objectIdKey(value);
  if (value instanceof Date) return flatAscii('d' + value.getTime());
  if (value instanceof Int32 || value instanceof Double) return 'n' + encodeNumber(value.value);
  if (value instanceof Long) return flatAscii('n' + value.toString());
  if (value instanceof Decimal128) return 'n' + encodeDecimal(value.toString());
  if (value instanceof Timestamp) return 't' + value.toString();
  if (value instanceof Binary)
    return 'x' + value.sub_type + ':' + Buffer.from(value.buffer).toString('base64') + ';';
  if (Buffer.isBuffer(value)) return 'x0:' + value.toString('base64') + ';';
  if (value instanceof RegExp) return 'r' + JSON.stringify([value.source, value.flags]);
  if (value instanceof BSONRegExp) return 'r' + JSON.stringify([value.pattern, value.options]);
  if (value instanceof MinKey) return '-';
  if (value instanceof MaxKey) return '+';
  if (Array.isArray(value)) return '[' + value.map(encodeKey).join(',') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Document))
    parts.push(JSON.stringify(k) + ':' + encodeKey(v));
  return '{' + parts.join(',') + '}';
}

/**
 * Keys live as long as their documents, so they are kept flat: V8 would otherwise hold a
 * concatenated key as a rope of several heap objects, doubling what an index costs.
 */
function flatAscii(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'latin1').toString('latin1');
}

function objectIdKey(id: ObjectId): string {
  const b = Buffer.allocUnsafe(13);
  b[0] = 111; // 'o'
  b.set(id.id, 1);
  return b.toString('latin1');
}

function encodeNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Inf' : '-Inf';
  // Integral doubles are spelled as exact integers so they meet Long and Decimal128 values.
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return String(n);
}

function encodeDecimal(text: string): string {
  if (/nan/i.test(text)) return 'NaN';
  if (/inf/i.test(text)) return text.startsWith('-') ? '-Inf' : 'Inf';
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i.exec(text);
  if (!m) return text;
  const sign = m[1] === '-' ? '-' : '';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  while (exp < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp += 1;
  }
  if (exp >= 0) return sign + digits + '0'.repeat(exp);
  const point = digits.length + exp;
  const intPart = point > 0 ? digits.slice(0, point) : '0';
  const frac = point > 0 ? digits.slice(point) : '0'.repeat(-point) + digits;
  // Matches String(double) for the common short decimals, so 1.5 meets Decimal128('1.5').
  return sign + intPart + '.' + frac;
}
