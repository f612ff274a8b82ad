import template from './field-error.fragment.json' with { type: 'json' };
import type { FieldProblem } from '../../domain/errors.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';

/** The id of the line that sums a refused form up, just above its buttons. */
export const FORM_ERRORS_ID = 'formErrors';
const ERROR_SUFFIX = '.error';

export interface FieldErrorOptions {
  /** What the person typed, by input id: shown back in the inputs, nothing lost. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** A problem's text (enrollment names countries); default `t(key, values)`. */
  readonly text?: (problem: FieldProblem) => string;
}

type Element = Record<string, unknown>;

/**
 * Every form's one way to show a refused submit (enrollment's sections, the invite and request
 * forms, Extend, Reject): each problem right under its input, the typed values kept, and one
 * line just above the buttons (where the person clicked, so seen without scrolling) saying to
 * fix them, or what a problem with no input of its own is.
 */
export function withFieldErrors(
  card: AdaptiveCardJson,
  problems: readonly FieldProblem[],
  language: Language,
  options: FieldErrorOptions = {}
): AdaptiveCardJson {
  const text = options.text ?? ((p: FieldProblem) => t(language, p.key, p.values ?? {}));
  const placed = new Set<string>();
  const annotate = (elements: unknown): unknown => {
    if (!Array.isArray(elements)) return elements;
    const out: unknown[] = [];
    for (const raw of elements as Element[]) {
      if (isOurs(raw)) continue;
      const el = descend(raw);
      out.push(el);
      const id = typeof el.id === 'string' && String(el.type).startsWith('Input.') ? el.id : '';
      if (!id) continue;
      if (options.values && id in options.values) keepValue(el, options.values[id]);
      const problem = problems.find((p) => p.field === id);
      if (problem) {
        placed.add(problem.field);
        out.push(renderCard(template, { id: `${id}${ERROR_SUFFIX}`, text: text(problem) }));
      }
    }
    return out;
  };
  const descend = (el: Element): Element => {
    const copy: Element = { ...el };
    for (const key of ['items', 'columns']) if (key in copy) copy[key] = annotate(copy[key]);
    return copy;
  };
  const body = annotate(card.body ?? []) as Element[];
  const unplaced = problems.filter((p) => !placed.has(p.field)).map(text);
  const summary = renderCard(template, {
    id: FORM_ERRORS_ID,
    text: [...unplaced, ...(placed.size ? [t(language, 'errors:fixFields')] : [])].join('\n\n'),
  });
  // Above the card's own button row when its buttons are in the body, else last before them.
  const last = body.length - 1;
  const at = last >= 0 && body[last].type === 'ActionSet' ? last : body.length;
  return {
    ...card,
    body: [...body.slice(0, at), { ...summary, spacing: 'Medium' }, ...body.slice(at)],
  };
}

/** Lines an earlier refusal added (a card refused twice shows the second refusal only). */
function isOurs(el: Element): boolean {
  return typeof el.id === 'string' && (el.id === FORM_ERRORS_ID || el.id.endsWith(ERROR_SUFFIX));
}

/** Puts a submitted value back into its input, in the input's own format. */
function keepValue(el: Element, value: unknown): void {
  if (value === undefined || value === null) return;
  if (el.type === 'Input.Number') {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (String(value).trim() !== '' && Number.isFinite(n)) el.value = n;
    else delete el.value;
    return;
  }
  if (Array.isArray(value)) el.value = value.map(String).join(',');
  else if (['string', 'number', 'boolean'].includes(typeof value)) el.value = String(value);
}
