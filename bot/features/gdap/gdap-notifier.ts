import { gdapLine } from '../../../cards/gdap/gdap-text.js';
import { rolesText } from '../../../cards/relationships/relationship-text.js';
import { render as renderNotice } from '../../../cards/shared/notice.card.js';
import { userText } from '../../../cards/shared/user-text.js';
import { approvalUrl, type GdapLink, type GdapRefusal } from '../../../domain/gdap/gdap.js';
import type { GdapNotifier } from '../../../domain/gdap/gdap.service.js';
import type { Notifier } from '../../../domain/notifications/notification.js';
import type { PartnerRepository } from '../../../domain/partners/partner-repository.port.js';
import { t } from '../../../i18n/i18n.js';

/**
 * What GDAP tells partners, through the outbox (keys deterministic per link and state, so a
 * repeat after a crash is a no-op): the reseller's Global admins the approval link, the
 * provider's Global admins a refusal, both sides Graph's state changes.
 */
export class OutboxGdapNotifier implements GdapNotifier {
  constructor(
    private readonly notifier: Notifier,
    private readonly partners: Pick<PartnerRepository, 'get'>,
    /** Redraws the relationship's cards in place (their GDAP line and approval button). */
    private readonly redraw: (relationshipId: string, key: string) => Promise<void>
  ) {}

  async approvalAsked(link: GdapLink): Promise<void> {
    if (!link.graphId) return;
    await this.redraw(link.relationshipId, `gdap:${link.id}:approval:${link.graphId}`);
    const names = await this.names(link);
    const url = approvalUrl(link.graphId);
    await this.notifier.notify({
      key: `gdap:${link.id}:approval:${link.graphId}`,
      // Microsoft lets only the customer's Global Administrator approve: its Global admins here.
      to: { kind: 'partnerRoles', partnerRef: link.customerRef, roles: ['globalAdmin'] },
      content: (language) => {
        const values = {
          ...names,
          url,
          roles: rolesText(language, link.roles),
          days: link.durationDays,
        };
        return {
          text: t(language, 'gdap:notices.approvalTitle', values),
          card: renderNotice(
            {
              title: { key: 'gdap:notices.approvalTitle', values },
              message: { key: 'gdap:notices.approval', values },
              tone: 'attention',
              steps: [],
            },
            language
          ),
        };
      },
    });
  }

  async refused(link: GdapLink, refusal: GdapRefusal): Promise<void> {
    await this.redraw(link.relationshipId, `gdap:${link.id}:refused:${refusal}:${link.wanted}`);
    // Not connected is the provider's choice, said on the cards and by `status`: no notice.
    if (refusal === 'notConnected') return;
    const names = await this.names(link);
    await this.notifier.notify({
      key: `gdap:${link.id}:refused:${refusal}:${link.wanted}`,
      to: { kind: 'partnerRoles', partnerRef: link.partnerRef, roles: ['globalAdmin'] },
      content: (language) => ({
        text: t(language, 'gdap:notices.refusedTitle', names),
        card: renderNotice(
          {
            title: { key: 'gdap:notices.refusedTitle', values: names },
            message: { key: `gdap:notices.refused_${refusal}`, values: names },
            tone: 'attention',
            steps: [],
          },
          language
        ),
      }),
    });
  }

  async stateChanged(link: GdapLink): Promise<void> {
    await this.redraw(link.relationshipId, `gdap:${link.id}:state:${link.status ?? 'unknown'}`);
    const names = await this.names(link);
    for (const [side, other] of [
      [link.partnerRef, names.reseller],
      [link.customerRef, names.provider],
    ] as const) {
      await this.notifier.notify({
        key: `gdap:${link.id}:state:${link.status ?? 'unknown'}:${side}`,
        to: { kind: 'partnerRoles', partnerRef: side, roles: ['globalAdmin', 'adminAgent'] },
        content: (language) => {
          const values = { ...names, other, state: gdapLine(language, link) };
          return {
            text: t(language, 'gdap:notices.changedTitle', values),
            card: renderNotice(
              {
                title: { key: 'gdap:notices.changedTitle', values },
                message: { key: 'gdap:notices.changed', values },
                tone: 'default',
                steps: [],
              },
              language
            ),
          };
        },
      });
    }
  }

  private async names(link: GdapLink) {
    const [provider, reseller] = await Promise.all([
      this.partners.get(link.partnerRef),
      this.partners.get(link.customerRef),
    ]);
    // Names as the partners typed them: shown as text, never as markdown.
    return {
      provider: userText(provider?.legalName ?? ''),
      reseller: userText(reseller?.legalName ?? ''),
    };
  }
}
