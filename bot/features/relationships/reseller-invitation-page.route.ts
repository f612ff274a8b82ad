import type { Request, Response } from 'restify';
import { rolesText, dayText } from '../../../cards/relationships/relationship-text.js';
import type { ResellerInvitationService } from '../../../domain/relationships/reseller-invitation.service.js';
import { t } from '../../../i18n/i18n.js';
import { escapeHtml, noticeHtml, pageLanguage, sendHtmlPage } from '../../../web/html-page.js';
import type { HttpRoute } from '../../../web/http-route.js';
import { openInTeamsHtml } from '../invitations/customer-invitation-page.route.js';

/**
 * `GET /relationships/:token`: the page a reseller opens from the provider's mail. It needs no
 * JavaScript, says who invites and what authorizing would grant, and opens a chat with the bot
 * with `accept <token>` ready to send. Unknown links are 404, used or expired ones 410. The
 * token is never logged (the web server logs no paths) and the page is never cached.
 */
export function invitationPageRoute(deps: {
  readonly invitations: Pick<ResellerInvitationService, 'byToken'>;
  readonly microsoftAppId?: string;
}): HttpRoute {
  return {
    method: 'get',
    path: '/relationships/:token',
    async handle(req: Request, res: Response) {
      const language = pageLanguage(req);
      const tr = (key: string, values: Record<string, unknown> = {}) =>
        t(language, `relationships:invitationPage.${key}`, values);
      const token = String((req.params as Record<string, unknown>).token ?? '');
      const found = await deps.invitations.byToken(token);
      const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
      if (!found) {
        sendHtmlPage(
          res,
          404,
          { language, title: tr('notFoundTitle'), mainHtml: p(tr('notFound')) },
          { personal: true }
        );
        return;
      }
      const { invitation, provider } = found;
      if (!found.usable) {
        sendHtmlPage(
          res,
          410,
          {
            language,
            title: tr('goneTitle'),
            mainHtml: noticeHtml(
              tr(`gone_${found.reason}`),
              found.reason === 'accepted' ? 'good' : 'plain'
            ),
          },
          { personal: true }
        );
        return;
      }
      const values = {
        provider: provider.legalName,
        partnerId: provider.partnerId,
        roles: rolesText(language, invitation.grant.roles),
        days: invitation.grant.durationDays,
        date: dayText(language, invitation.expiresAt),
      };
      // Teams' deep link to a chat with the bot, `accept <token>` prefilled (as customers').
      const open = openInTeamsHtml(deps.microsoftAppId, token, {
        open: tr('open'),
        noTeams: tr('noTeams'),
      });
      sendHtmlPage(
        res,
        200,
        {
          language,
          title: tr('title', values),
          mainHtml: [
            p(tr('intro', values)),
            p(tr('grants', values)),
            p(tr('until', values)),
            p(tr('how')),
            open,
          ].join('\n'),
        },
        { personal: true }
      );
    },
  };
}
