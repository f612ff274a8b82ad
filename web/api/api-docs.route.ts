import type { Request, Response } from 'restify';
import { t } from '../../i18n/i18n.js';
import { escapeHtml, pageLanguage, sendHtmlPage } from '../html-page.js';
import type { HttpRoute } from '../http-route.js';
import type { AnyApiRoute } from './api-route.js';
import { API_PREFIX } from './api-router.js';

/**
 * `GET /api/docs`: the API's reference page, from the same declarations as the OpenAPI
 * document (every operation, its method, path, summary and whether it needs a token), with the
 * document's link for tools. A plain page of the bot's (no scripts, no external assets).
 */
export function apiDocsRoute(operations: readonly AnyApiRoute[]): HttpRoute {
  return {
    method: 'get',
    path: '/api/docs',
    async handle(req: Request, res: Response) {
      const language = pageLanguage(req);
      const tags = [...new Set(operations.map((o) => o.tag))];
      const sections = tags.map((tag) => {
        const rows = operations
          .filter((o) => o.tag === tag)
          .map(
            (o) =>
              `<li><code>${o.method.toUpperCase()} ${escapeHtml(`${API_PREFIX}${o.path}`)}</code>` +
              `${o.auth === 'none' ? ` (${escapeHtml(t(language, 'api:docs.noToken'))})` : ''}` +
              ` — ${escapeHtml(o.summary)}</li>`
          )
          .join('\n');
        return `<h2>${escapeHtml(tag)}</h2>\n<ul>\n${rows}\n</ul>`;
      });
      sendHtmlPage(res, 200, {
        language,
        title: t(language, 'api:docs.title'),
        mainHtml: [
          `<p>${escapeHtml(t(language, 'api:docs.intro'))}</p>`,
          `<p><a href="${API_PREFIX}/openapi.json">${escapeHtml(t(language, 'api:docs.document'))}</a></p>`,
          ...sections,
        ].join('\n'),
      });
    },
  };
}
