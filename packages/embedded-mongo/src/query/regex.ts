import { Errors } from '../errors.js';
import { bsonTag } from './bson-types.js';

/** True for a JS RegExp or a bson BSONRegExp. */
export function isRegexValue(v: unknown): boolean {
  return v instanceof RegExp || bsonTag(v) === 'BSONRegExp';
}

/** Strips whitespace and `#` comments as PCRE's extended (`x`) flag does. */
function extended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** Builds a JS RegExp from a MongoDB pattern and options (`i`, `m`, `s`, `x`, `u`). */
export function buildRegex(pattern: string, options: string): RegExp {
  let flags = '';
  let src = pattern;
  for (const o of options) {
    if (o === 'i' || o === 'm' || o === 's') {
      if (!flags.includes(o)) flags += o;
    } else if (o === 'x') {
      src = extended(src);
    } else if (o !== 'u' && o !== 'g') {
      throw Errors.location(51108, `invalid flag in regex options: ${o}`);
    }
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw Errors.location(51091, `Regular expression is invalid: ${(e as Error).message}`);
  }
}

/** A RegExp for a regex value (RegExp or BSONRegExp), with extra options merged in. */
export function toRegExp(v: unknown, extraOptions = ''): RegExp {
  if (v instanceof RegExp) {
    return extraOptions
      ? buildRegex(v.source, v.flags + extraOptions)
      : new RegExp(v.source, v.flags.replace(/[gy]/g, ''));
  }
  const r = v as { pattern: string; options: string };
  return buildRegex(r.pattern, r.options + extraOptions);
}
