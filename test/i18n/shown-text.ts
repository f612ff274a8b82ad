/**
 * Every string of a rendered Adaptive Card (texts, titles, labels, placeholders, choices), one
 * per line, as Teams shows it: a tag-like `<code>` that markdown would drop is dropped, and
 * backslash escapes show their character.
 */
export function cardText(card: object): string {
  const out: string[] = [];
  const walk = (node: unknown, key = '') => {
    if (typeof node === 'string') {
      if (
        !['$schema', 'type', 'id', 'verb', 'style', 'color', 'size', 'weight', 'version'].includes(
          key
        )
      )
        out.push(shown(node));
    } else if (Array.isArray(node)) node.forEach((n) => walk(n, key));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) if (k !== 'data') walk(v, k);
  };
  walk(card);
  return out.join('\n');
}

/** Teams markdown as read: unescaped HTML-like tags vanish, `\x` shows `x`. */
export function shown(markdown: string): string {
  return markdown.replace(/(?<!\\)<[^<>]*(?<!\\)>/g, '').replace(/\\(.)/g, '$1');
}
