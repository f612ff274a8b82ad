import type { Request, Response } from 'restify';
import type { GdapService } from '../../../domain/gdap/gdap.service.js';
import { t } from '../../../i18n/i18n.js';
import { escapeHtml, noticeHtml, pageLanguage, sendHtmlPage } from '../../../web/html-page.js';
import type { HttpRoute } from '../../../web/http-route.js';

const STATUS = { connected: 200, denied: 200, invalidState: 400, wrongTenant: 400 } as const;

/**
 * `GET /connect/callback`: where Microsoft sends the admin after the admin consent, with
 * `tenant`, `admin_consent` and `state` (or `error=access_denied`). The state is used up
 * whatever the outcome; the page says plainly what happened. Its query is never logged.
 */
export function connectCallbackRoute(deps: {
  readonly gdap: Pick<GdapService, 'completeConsent'>;
}): HttpRoute {
  return {
    method: 'get',
    path: '/connect/callback',
    async handle(req: Request, res: Response) {
      const language = pageLanguage(req);
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const param = (name: string) => {
        const value = query.get(name);
        return value && value.length <= 512 ? value : undefined;
      };
      const outcome = await deps.gdap.completeConsent({
        ...optional('tenant', param('tenant')),
        ...optional('admin_consent', param('admin_consent')),
        ...optional('state', param('state')),
        ...optional('error', param('error')),
      });
      const text = t(language, `gdap:page.${outcome}`);
      sendHtmlPage(
        res,
        STATUS[outcome],
        {
          language,
          title: t(language, 'gdap:page.title'),
          mainHtml:
            outcome === 'connected' ? noticeHtml(text, 'good') : `<p>${escapeHtml(text)}</p>`,
        },
        { personal: true }
      );
    },
  };
}

const optional = (key: string, value: string | undefined) =>
  value === undefined ? {} : { [key]: value };
