import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/**
 * Tokens and codes are found by their hash in a unique index (invitations) or compared with
 * `timingSafeEqual` (verification codes, the metrics token): no code path compares a secret or
 * its hash with `===`, whose time depends on how many leading characters match. A static
 * check, because a timing test would be a speed target in a unit test (the guide forbids them)
 * and noisy besides.
 */

const SOURCE_DIRS = ['domain', 'models', 'bot', 'web', 'notifications', 'ops'];
/** A secret's hash, or a token, on either side of an equality operator. */
const TEXT_COMPARISON =
  /\b(?:\w*(?:token|code|secret)Hash|token|secret)\s*[!=]==?(?![=\s]*(?:undefined|null)\b)|[!=]==?\s*[\w.]*(?:(?:token|code|secret)Hash|\btoken|\bsecret)\b/i;

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('security: secret hashes are looked up or compared in constant time, never as text', () => {
  it('finds no equality comparison of a token, code or their hashes in the product', () => {
    const offenders: string[] = [];
    for (const file of SOURCE_DIRS.flatMap(sources)) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line) || /typeof \w+ [!=]==/.test(line)) return;
          if (TEXT_COMPARISON.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).to.deep.equal([]);
  });

  it('compares verification codes with timingSafeEqual over every live code', () => {
    const source = fs.readFileSync('domain/enrollment/verification.service.ts', 'utf8');
    expect(source).to.match(/timingSafeEqual\(expected, actual\)/);
    // No early exit: the loop visits every live code whatever matched first.
    const body = /function matchesAny[\s\S]*?\n}/.exec(source)?.[0] ?? '';
    expect(body).to.not.match(/return true|break/);
  });
});
