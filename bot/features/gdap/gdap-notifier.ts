import { gdapLine } from '../../../cards/gdap/gdap-text.js';
import { dayText, rolesText } from '../../../cards/relationships/relationship-text.js';
import { noticeContent } from '../../../cards/shared/notice-content.js';
import { userText } from '../../../cards/shared/user-text.js';
import { approvalUrl, type GdapLink, type GdapRefusal } from '../../../domain/gdap/gdap.js';
import type { GdapNotifier } from '../../../domain/gdap/gdap.service.js';
import type { Notifier, Recipient } from '../../../domain/notifications/notification.js';
import type { PartnerRepository } from '../../../domain/partners/partner-repository.port.js';

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
    await this.redrawCards(link, `gdap:${link.id}:approval:${link.graphId}`);
    const names = await this.names(link);
    const url = approvalUrl(link.graphId);
    const to = this.customerSide(link, ['globalAdmin']);
    if (!to) return;
    const message = isCustomer(link) ? 'gdap:notices.approval_customer' : 'gdap:notices.approval';
    await this.notifier.notify({
      key: `gdap:${link.id}:approval:${link.graphId}`,
      // Microsoft lets only the customer's Global Administrator approve: its Global admins here.
      to,
      content: (language) => {
        const values = {
          ...names,
          url,
          roles: rolesText(language, link.roles),
          days: link.durationDays,
        };
        return noticeContent(language, {
          title: 'gdap:notices.approvalTitle',
          message,
          values,
          tone: 'attention',
          steps: [],
          summary: 'gdap:notices.approvalTitle',
        });
      },
    });
  }

  async refused(link: GdapLink, refusal: GdapRefusal): Promise<void> {
    await this.redrawCards(link, `gdap:${link.id}:refused:${refusal}:${link.wanted}`);
    // Not connected is the provider's choice, said on the cards and by `status`: no notice.
    if (refusal === 'notConnected') return;
    const names = await this.names(link);
    await this.notifier.notify({
      key: `gdap:${link.id}:refused:${refusal}:${link.wanted}`,
      to: { kind: 'partnerRoles', partnerRef: link.partnerRef, roles: ['globalAdmin'] },
      content: (language) =>
        noticeContent(language, {
          title: 'gdap:notices.refusedTitle',
          message: `gdap:notices.refused_${refusal}`,
          values: names,
          tone: 'attention',
          steps: [],
          summary: 'gdap:notices.refusedTitle',
        }),
    });
  }

  async stateChanged(link: GdapLink): Promise<void> {
    await this.redrawCards(link, `gdap:${link.id}:state:${link.status ?? 'unknown'}`);
    const names = await this.names(link);
    const sides: [string, Recipient | undefined, string][] = [
      [
        'partner',
        { kind: 'partnerRoles', partnerRef: link.partnerRef, roles: ['globalAdmin', 'adminAgent'] },
        names.reseller,
      ],
      ['customer', this.customerSide(link, ['globalAdmin', 'adminAgent']), names.provider],
    ];
    for (const [side, to, other] of sides) {
      if (!to) continue;
      await this.notifier.notify({
        key: `gdap:${link.id}:state:${link.status ?? 'unknown'}:${side}`,
        to,
        content: (language) => {
          const values = { ...names, other, state: gdapLine(language, link) };
          return noticeContent(language, {
            title: 'gdap:notices.changedTitle',
            message: 'gdap:notices.changed',
            values,
            tone: 'default',
            steps: [],
            summary: 'gdap:notices.changedTitle',
          });
        },
      });
    }
  }

  async endsEarly(link: GdapLink, days: number, productEndsAt: Date): Promise<void> {
    if (!link.endDateTime) return;
    const ends = link.endDateTime;
    const names = await this.names(link);
    const sides: [string, Recipient | undefined, string][] = [
      [
        'partner',
        { kind: 'partnerRoles', partnerRef: link.partnerRef, roles: ['globalAdmin', 'adminAgent'] },
        names.reseller,
      ],
      ['customer', this.customerSide(link, ['globalAdmin', 'adminAgent']), names.provider],
    ];
    for (const [side, to, other] of sides) {
      if (!to) continue;
      await this.notifier.notify({
        // Once per threshold and Graph's end: a later end (a new relationship) may remind again.
        key: `gdap:${link.id}:endsEarly:${days}:${ends.toISOString()}:${side}`,
        to,
        content: (language) => {
          const values = {
            ...names,
            other,
            count: days,
            date: dayText(language, ends),
            expires: dayText(language, productEndsAt),
          };
          return noticeContent(language, {
            title: 'gdap:notices.endsEarlyTitle',
            message: 'gdap:notices.endsEarly',
            values,
            tone: 'attention',
            steps: [],
          });
        },
      });
    }
  }

  /**
   * Who speaks for the tenant the access is to: its partner's people with `roles` (a reseller),
   * or the customer's admin who accepted the invitation (a customer has no roster here).
   */
  private customerSide(link: GdapLink, roles: readonly string[]): Recipient | undefined {
    if (link.customerRef) return { kind: 'partnerRoles', partnerRef: link.customerRef, roles };
    return link.customerAdmin ? { kind: 'user', user: link.customerAdmin } : undefined;
  }

  /** Only a product relationship has cards showing its GDAP state. */
  private async redrawCards(link: GdapLink, key: string): Promise<void> {
    if (!isCustomer(link)) await this.redraw(link.relationshipId, key);
  }

  /** `provider`: the partner that creates it; `reseller`: the tenant's (a customer's name). */
  private async names(link: GdapLink) {
    const [provider, reseller] = await Promise.all([
      this.partners.get(link.partnerRef),
      link.customerRef ? this.partners.get(link.customerRef) : null,
    ]);
    // Names as the partners typed them: shown as text, never as markdown.
    return {
      provider: userText(provider?.legalName ?? ''),
      reseller: userText(reseller?.legalName ?? link.customerName ?? ''),
    };
  }
}

const isCustomer = (link: GdapLink) => link.kind === 'resellerCustomer';
