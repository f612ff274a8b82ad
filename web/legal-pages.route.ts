import type { Request, Response } from 'restify';
import { LANGUAGES, languageOf, t, type Language } from '../i18n/i18n.js';

/** The pages the Teams manifest links as `privacyUrl` and `termsOfUseUrl`. */
export type LegalPage = 'privacy' | 'terms';

/** Section ids in reading order; each is `web:<page>.<id>.heading` and `.body` in the catalog. */
const SECTIONS: Record<LegalPage, readonly string[]> = {
  privacy: ['collect', 'use', 'share', 'keep', 'rights'],
  terms: ['service', 'accuracy', 'conduct', 'availability', 'changes'],
};

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.55;',
  'color:#1b1b1b;background:#fff;margin:0;padding:2rem 1rem}',
  'main,nav{max-width:42rem;margin:0 auto}',
  'h1{font-size:1.75rem;margin:0 0 1rem}h2{font-size:1.2rem;margin:1.75rem 0 .5rem}',
  'a{color:#4f52b2}a:focus{outline:2px solid #4f52b2;outline-offset:2px}',
  'nav{margin-top:2.5rem;padding-top:1rem;border-top:1px solid #ccc}nav ul{list-style:none;padding:0}',
  'nav li{display:inline;margin-right:1.5rem}',
  '@media (prefers-color-scheme:dark){body{color:#eee;background:#1f1f1f}a{color:#aab1fa}}',
].join('');

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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Catalog text as HTML: blank lines separate paragraphs, lines starting with "- " make a list. */
function blocks(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n').filter((l) => l.trim());
      if (lines.length > 0 && lines.every((l) => l.startsWith('- '))) {
        return `<ul>${lines.map((l) => `<li>${escapeHtml(l.slice(2))}</li>`).join('')}</ul>`;
      }
      return `<p>${escapeHtml(lines.join(' '))}</p>`;
    })
    .join('\n');
}

/** A whole self-contained page (inline style, no scripts, no external assets). */
export function renderLegalPage(page: LegalPage, language: Language): string {
  const tr = (key: string) => t(language, `web:${key}`);
  const title = tr(`${page}.title`);
  const sections = SECTIONS[page]
    .map(
      (id) =>
        `<h2>${escapeHtml(tr(`${page}.${id}.heading`))}</h2>\n${blocks(tr(`${page}.${id}.body`))}`
    )
    .join('\n');
  const link = (other: LegalPage) =>
    other === page
      ? `<li><a href="/${other}" aria-current="page">${escapeHtml(tr(`nav.${other}`))}</a></li>`
      : `<li><a href="/${other}">${escapeHtml(tr(`nav.${other}`))}</a></li>`;
  return [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${title} · ${t(language, 'common:appName')}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    blocks(tr(`${page}.intro`)),
    sections,
    '</main>',
    `<nav aria-label="${escapeHtml(tr('nav.label'))}"><ul>${link('privacy')}${link('terms')}</ul></nav>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** `GET /privacy`, `GET /terms`: the page in the browser's language (en or ru). */
export function legalPageRoute(page: LegalPage) {
  return async (req: Request, res: Response): Promise<void> => {
    const language = languageFromAcceptLanguage(req.header('accept-language'));
    const html = renderLegalPage(page, language);
    res.sendRaw(200, html, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': language,
      Vary: 'Accept-Language',
      'Cache-Control': 'public, max-age=3600',
      // Nothing to load from anywhere: the page is one document with its own style.
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
    });
  };
}
