import type { Request, Response } from 'restify';
import { t, type Language } from '../i18n/i18n.js';
import {
  escapeHtml,
  pageLanguage,
  renderHtmlPage,
  sendHtmlPage,
  type HtmlPage,
} from './html-page.js';

export { languageFromAcceptLanguage } from './html-page.js';

/** The pages the Teams manifest links as `privacyUrl` and `termsOfUseUrl`. */
export type LegalPage = 'privacy' | 'terms';

/** Section ids in reading order; each is `web:<page>.<id>.heading` and `.body` in the catalog. */
const SECTIONS: Record<LegalPage, readonly string[]> = {
  privacy: ['collect', 'use', 'share', 'keep', 'rights'],
  terms: ['service', 'accuracy', 'conduct', 'availability', 'changes'],
};

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

/** The page's main content and its links to the other legal page. */
function legalPage(page: LegalPage, language: Language): HtmlPage {
  const tr = (key: string) => t(language, `web:${key}`);
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
  return {
    language,
    title: tr(`${page}.title`),
    mainHtml: `${blocks(tr(`${page}.intro`))}\n${sections}`,
    footerHtml: `<nav aria-label="${escapeHtml(tr('nav.label'))}"><ul>${link('privacy')}${link('terms')}</ul></nav>`,
  };
}

/** The whole HTML of a legal page. */
export function renderLegalPage(page: LegalPage, language: Language): string {
  return renderHtmlPage(legalPage(page, language));
}

/** `GET /privacy`, `GET /terms`: the page in the browser's language (en or ru). */
export function legalPageRoute(page: LegalPage) {
  return async (req: Request, res: Response): Promise<void> => {
    sendHtmlPage(res, 200, legalPage(page, pageLanguage(req)));
  };
}
