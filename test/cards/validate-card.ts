import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package's ESM entry pulls in DOM-only modules; the UMD bundle parses and validates in Node.
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/** Problems the Adaptive Cards object model finds in a card (empty when valid, version <= 1.5). */
export function validateCard(card: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++)
    problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents)
    problems.push(`validate: ${e.message}`);
  const version = String(card.version ?? '');
  const [major, minor] = version.split('.').map(Number);
  if (!(major === 1 && minor <= 5)) problems.push(`version ${version} is not 1.0-1.5`);
  if (JSON.stringify(card).includes('${')) problems.push('unexpanded ${...} binding left');
  return problems;
}

/** User-visible string properties of a template that are literals instead of `${}` bindings. */
export function literalStrings(template: unknown, path = '$'): string[] {
  const visible = new Set([
    'text',
    'title',
    'label',
    'placeholder',
    'altText',
    'errorMessage',
    'fallbackText',
  ]);
  const found: string[] = [];
  if (Array.isArray(template)) {
    template.forEach((v, i) => found.push(...literalStrings(v, `${path}[${i}]`)));
  } else if (template && typeof template === 'object') {
    for (const [k, v] of Object.entries(template)) {
      if (visible.has(k) && typeof v === 'string' && !v.includes('${')) found.push(`${path}.${k}`);
      else found.push(...literalStrings(v, `${path}.${k}`));
    }
  }
  return found;
}
