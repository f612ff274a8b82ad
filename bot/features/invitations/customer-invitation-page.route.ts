import type { Request, Response } from 'restify';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import type {
  InvitationService,
  InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import { plainText } from '../../../cards/shared/user-text.js';
import { mayAnswer } from '../../../domain/invitations/invitation.js';
import { t, type Language } from '../../../i18n/i18n.js';
import type { Logger } from '../../../logging/logger.js';
import {
  escapeHtml,
  noticeHtml,
  pageLanguage,
  sendHtmlPage,
  type HtmlPage,
} from '../../../web/html-page.js';
import type { HttpRoute } from '../../../web/http-route.js';

/**
 * A Teams deep link into the 1:1 chat with the bot, with `accept <token>` typed in the box: the
 * person presses Send and the bot shows the invitation card with Accept / Decline.
 */
export function teamsDeepLink(appId: string | undefined, token: string): string {
  const users = encodeURIComponent(`28:${appId ?? ''}`);
  return `https://teams.microsoft.com/l/chat/0/0?users=${users}&message=${encodeURIComponent(`accept ${token}`)}`;
}

/**
 * The Teams app's own link, built from the app id: it opens Partner Connect in the reader's
 * Teams, or offers to add it when their organization does not have it yet.
 */
export function teamsAppLink(appId: string): string {
  return `https://teams.microsoft.com/l/app/${encodeURIComponent(appId)}`;
}

/**
 * How a page takes its reader into the bot: with an app id, the Open in Teams button (a chat
 * with `accept <token>` ready) and, given `getApp`, a paragraph with the app's link for a
 * tenant that has no app yet; without an app id, the `noTeams` sentence instead of links that
 * lead nowhere (a chat with `28:`). Texts come localized; this escapes them.
 */
export function openInTeamsHtml(
  appId: string | undefined,
  token: string,
  text: {
    readonly open: string;
    readonly noTeams: string;
    readonly getApp?: { readonly before: string; readonly link: string; readonly after: string };
  }
): string {
  if (!appId) return `<p>${escapeHtml(text.noTeams)}</p>`;
  const open = `<p><a class="button" href="${escapeHtml(teamsDeepLink(appId, token))}">${escapeHtml(text.open)}</a></p>`;
  if (!text.getApp) return open;
  const { before, link, after } = text.getApp;
  const app = `<a href="${escapeHtml(teamsAppLink(appId))}">${escapeHtml(link)}</a>`;
  return `${open}\n<p>${escapeHtml(before)} ${app}${escapeHtml(after)}</p>`;
}

/** The page of a live invitation: who invites, with whom, what each may do, until when. */
function openPage(
  language: Language,
  view: InvitationView,
  appId: string | undefined,
  token: string
): HtmlPage {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:${key}`, values);
  const terms = view.invitation.customer!;
  const reseller = plainText(view.reseller.legalName);
  const provider = view.provider ? plainText(view.provider.legalName) : undefined;
  const company = plainText(terms.companyName);
  const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
  const who = [
    `<li>${escapeHtml(`${tr('card.reseller')}: ${reseller}`)}</li>`,
    `<li>${escapeHtml(`${tr('card.provider')}: ${provider ?? tr('card.providerNone')}`)}</li>`,
  ].join('');
  const access = [
    `<li>${escapeHtml(tr('card.resellerAccess', { reseller }))}</li>`,
    ...(provider
      ? [`<li>${escapeHtml(tr('card.providerAccess', { provider, reseller }))}</li>`]
      : []),
  ].join('');
  return {
    language,
    title: tr('page.title', { company }),
    mainHtml: [
      p(tr('page.intro', { reseller, company })),
      `<h2>${escapeHtml(tr('page.who'))}</h2><ul>${who}</ul>`,
      `<h2>${escapeHtml(tr('page.access'))}</h2><ul>${access}</ul>`,
      ...(terms.note
        ? [`<h2>${escapeHtml(tr('page.note', { reseller }))}</h2>`, p(plainText(terms.note))]
        : []),
      p(tr('page.until', { date: dayText(language, view.invitation.expiresAt) })),
      openInTeamsHtml(appId, token, {
        open: tr('page.open'),
        noTeams: t(language, 'customers:page.noTeams', { reseller }),
        getApp: {
          before: t(language, 'customers:page.getApp'),
          link: t(language, 'customers:page.getAppLink'),
          after: t(language, 'customers:page.getAppAfter'),
        },
      }),
      p(tr('page.howTo')),
    ].join('\n'),
  };
}

/**
 * `GET /invitations/:token`: the invitation's page in the browser's language, 404 for a token
 * nobody issued and 410 for one used, revoked or expired. Never cached, never a referrer, no
 * script; nothing about the token or the invitation is logged.
 */
export function invitationPageRoute(deps: {
  readonly service: Pick<InvitationService, 'byToken'>;
  readonly appId: string | undefined;
  readonly logger: Logger;
}): HttpRoute {
  const log = deps.logger.child({ module: 'invitation-page' });
  return {
    method: 'get',
    path: '/invitations/:token',
    async handle(req: Request, res: Response) {
      const language = pageLanguage(req);
      const tr = (key: string, values: Record<string, unknown> = {}) =>
        t(language, `invitations:page.${key}`, values);
      const token = String((req.params as Record<string, unknown>).token ?? '');
      try {
        const view = await deps.service.byToken(token);
        if (!view || view.invitation.kind !== 'customer') {
          return sendHtmlPage(
            res,
            404,
            {
              language,
              title: tr('unknownTitle'),
              mainHtml: `<p>${escapeHtml(tr('unknown'))}</p>`,
            },
            { personal: true }
          );
        }
        // Past its answer (accepted, declined, revoked, expired) the page says so and opens nothing.
        if (!mayAnswer(view.state)) {
          const why = tr(`gone_${view.state}`, {
            date: dayText(language, view.invitation.expiresAt),
          });
          return sendHtmlPage(
            res,
            410,
            {
              language,
              title: tr('goneTitle'),
              mainHtml: noticeHtml(why, view.state === 'accepted' ? 'good' : 'plain'),
            },
            { personal: true }
          );
        }
        sendHtmlPage(res, 200, openPage(language, view, deps.appId, token), {
          personal: true,
        });
      } catch (err) {
        // The error only: never the token, which is the invitation.
        log.error({ err: { name: (err as Error)?.name } }, 'invitation page failed');
        res.sendRaw(500, 'Internal error', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
    },
  };
}
