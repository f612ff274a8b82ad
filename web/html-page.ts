import type { Request, Response } from 'restify';
import { LANGUAGES, languageOf, t, type Language } from '../i18n/i18n.js';

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.55;',
  'color:#1b1b1b;background:#fff;margin:0;padding:2rem 1rem}',
  // A long word (a link, a token, a company name without spaces) breaks rather than running
  // past the right edge, where a phone clipped it.
  'main,nav{max-width:42rem;margin:0 auto;overflow-wrap:anywhere}',
  'h1{font-size:1.75rem;margin:0 0 1rem}h2{font-size:1.2rem;margin:1.75rem 0 .5rem}',
  'a{color:#4f52b2;overflow-wrap:anywhere}a:focus{outline:2px solid #4f52b2;outline-offset:2px}',
  'nav{margin-top:2.5rem;padding-top:1rem;border-top:1px solid #ccc}nav ul{list-style:none;padding:0}',
  'nav li{display:inline;margin-right:1.5rem}',
  '.button{display:inline-block;max-width:100%;box-sizing:border-box;padding:.6rem 1.2rem;',
  'border-radius:4px;background:#4f52b2;color:#fff;text-decoration:none;font-weight:600}',
  // A state banner (an invitation already accepted): dark text on a light tint, at least 4.5:1
  // (WCAG AA) in both schemes; the tone is the tint and the border, never pale text.
  '.notice{padding:.75rem 1rem;border-radius:4px;border-left:4px solid #616161;',
  'background:#f3f2f1;color:#1b1b1b;font-weight:600}',
  '.notice.good{border-left-color:#107c10;background:#dff6dd;color:#0b3a0b}',
  '@media (prefers-color-scheme:dark){body{color:#eee;background:#1f1f1f}a{color:#aab1fa}',
  '.notice{background:#2b2b2b;color:#f3f2f1}.notice.good{background:#0d2e0d;color:#dff6dd}}',
].join('');

/** Text for HTML content and attribute values: nothing a user typed can become markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The language a browser asks for: the first of `Accept-Language` (by q-value, then order)
 * that the product speaks; English otherwise.
 */
export function languageFromAcceptLanguage(header: string | undefined): Language {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const supported = ranked.find((r) =>
    (LANGUAGES as readonly string[]).includes(r.tag.toLowerCase().split('-')[0])
  );
  return supported ? languageOf(supported.tag) : 'en';
}

export interface HtmlPage {
  readonly language: Language;
  /** Plain text; escaped here. */
  readonly title: string;
  /** Already-escaped HTML of the page's main content (build it with `escapeHtml`). */
  readonly mainHtml: string;
  /** Already-escaped HTML after the main content (links to other pages). */
  readonly footerHtml?: string;
}

/** A whole self-contained page (inline style, no scripts, no external assets). */
export function renderHtmlPage(page: HtmlPage): string {
  return [
    '<!doctype html>',
    `<html lang="${page.language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(`${page.title} · ${t(page.language, 'common:appName')}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    page.mainHtml,
    '</main>',
    page.footerHtml ?? '',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Sends a page with the headers every page of the bot carries: nothing to load from anywhere,
 * never framed (clickjacking), no MIME sniffing. `personal` pages (an invitation) are never
 * cached or sent as a referrer; public ones (privacy, terms) are cached for an hour.
 */
export function sendHtmlPage(
  res: Response,
  status: number,
  page: HtmlPage,
  options: { readonly personal?: boolean } = {}
): void {
  res.sendRaw(status, renderHtmlPage(page), {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': page.language,
    Vary: 'Accept-Language',
    'Cache-Control': options.personal ? 'no-store' : 'public, max-age=3600',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
}

/** A state shown as a banner: `good` for a done thing (accepted), plain otherwise. Escapes. */
export function noticeHtml(text: string, tone: 'good' | 'plain' = 'plain'): string {
  return `<p class="notice${tone === 'good' ? ' good' : ''}" role="status">${escapeHtml(text)}</p>`;
}

/** The browser's language for a request (Accept-Language). */
export function pageLanguage(req: Request): Language {
  return languageFromAcceptLanguage(req.header('accept-language'));
}
