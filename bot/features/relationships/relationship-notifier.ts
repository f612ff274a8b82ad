import { render as renderRelationship } from '../../../cards/relationships/relationship.card.js';
import { noticeContent } from '../../../cards/shared/notice-content.js';
import { userText } from '../../../cards/shared/user-text.js';
import { dayText, byText, rolesText } from '../../../cards/relationships/relationship-text.js';
import type { Notifier, Recipient } from '../../../domain/notifications/notification.js';
import { ROLE_MATRIX } from '../../../domain/partners/roles.js';
import {
  owedBy,
  type Relationship,
  type RelationshipEvent,
  type Side,
} from '../../../domain/relationships/relationship.js';
import type { RelationshipNotifier } from '../../../domain/relationships/relationship-notices.js';
import type {
  RelationshipService,
  RelationshipView,
} from '../../../domain/relationships/relationship.service.js';
import { t, type Language } from '../../../i18n/i18n.js';
import { relationshipSubject } from './relationship-subjects.js';

const SIDES: readonly Side[] = ['provider', 'reseller'];
const GOOD_TITLES = new Set(['title_active', 'title_extended', 'title_changeAuthorized']);
/** Who is told: those who may act on it (Partner Center's Global admins and Admin agents). */
const MANAGERS = ROLE_MATRIX['relationships.manage'].roles;

/**
 * Relationship changes through the notification outbox: every copy of the relationship's card
 * re-rendered in place for its side, the request card to the side that decides, a notice to the
 * side that did not act, and reminders before access ends. Keys derive from the change, so a
 * sweep repeating this after a crash enqueues nothing twice.
 */
export class OutboxRelationshipNotifier implements RelationshipNotifier {
  constructor(
    private readonly notifier: Notifier,
    private readonly views: Pick<RelationshipService, 'withPartners'>
  ) {}

  /**
   * Redraws every copy of the relationship's cards for both sides, nothing else: something
   * shown on them changed without a transition (its GDAP state in Microsoft). `key` is the
   * change's, so a repeat updates once.
   */
  async redraw(r: Relationship, key: string): Promise<void> {
    const provider = await this.views.withPartners(r, 'provider');
    const views = { provider, reseller: { ...provider, side: 'reseller' as const } };
    for (const side of SIDES) {
      await this.notifier.updateCards(
        relationshipSubject(r.id, side),
        (lang) => renderRelationship({ view: views[side], canManage: true }, lang),
        { key: `${key}:cards:${side}` }
      );
    }
  }

  async changed(r: Relationship): Promise<void> {
    const last = r.history[r.history.length - 1];
    if (!last) return;
    const stamp = `relationship:${r.id}:${last.at.toISOString()}:${last.note ?? last.to}`;
    // Both partners read once; each side's view differs only in which side it is.
    const provider = await this.views.withPartners(r, 'provider');
    const views = { provider, reseller: { ...provider, side: 'reseller' as const } };
    for (const side of SIDES) {
      await this.notifier.updateCards(
        relationshipSubject(r.id, side),
        (lang) => renderRelationship({ view: views[side], canManage: true }, lang),
        { key: `${stamp}:cards:${side}` }
      );
    }
    // The domain says what this change owes: whom to ask, whom to tell, which reminder.
    const owes = owedBy(r, provider.provider.tenantId);
    if (owes.ask) {
      const { side, what } = owes.ask;
      await this.ask(views[side], side, `${stamp}:ask`, what);
    }
    for (const side of owes.tell) {
      await this.tell(views[side], side, last, `${stamp}:notice:${side}`);
    }
    if (owes.remindDays !== undefined) await this.remind(r, owes.remindDays, views);
  }

  /**
   * The side that decides gets the card with Authorize / Decline (and the consent toggle): a
   * request, or a change the provider asked for on an active relationship.
   */
  private async ask(
    view: RelationshipView,
    side: Side,
    key: string,
    what: 'request' | 'changeRequested' = 'request'
  ): Promise<void> {
    const values = this.names(view);
    const textKey =
      what === 'request'
        ? `relationships:notices.requested_${view.relationship.initiatedBy}`
        : 'relationships:notices.changeRequested';
    await this.notifier.notify({
      key,
      to: this.admins(view, side),
      subject: relationshipSubject(view.relationship.id, side),
      content: (lang) => ({
        text: t(lang, textKey, values),
        card: renderRelationship({ view, canManage: true }, lang),
      }),
    });
  }

  private async tell(
    view: RelationshipView,
    side: Side,
    event: RelationshipEvent,
    key: string
  ): Promise<void> {
    const which = event.note ?? event.to;
    const r = view.relationship;
    const values = (lang: Language) => ({
      ...this.names(view),
      name: byText(lang, event.by),
      date: dayText(lang, event.at),
      expires: dayText(lang, r.expiresAt),
      // An extension or a change says the end before and after it (issue 27).
      from: dayText(lang, event.fromExpiresAt ?? r.expiresAt),
      to: dayText(lang, event.toExpiresAt ?? r.expiresAt),
      roles: rolesText(lang, event.roles),
      auto: t(
        lang,
        (event.autoExtend ?? r.grant.autoExtend)
          ? 'relationships:card.autoExtend_on'
          : 'relationships:card.autoExtend_off'
      ),
    });
    await this.notifier.notify({
      key,
      to: this.admins(view, side),
      content: (lang) =>
        this.notice(
          lang,
          side,
          `title_${which}`,
          // A Decline with a reason says it to the side that asked.
          event.reason ? `message_${which}_reason` : `message_${which}`,
          { ...values(lang), reason: userText(event.reason ?? '') }
        ),
    });
  }

  /** 30, 7 and 1 days before access ends, both sides; the repository claimed it once. */
  private async remind(
    r: Relationship,
    days: number,
    views: Record<Side, RelationshipView>
  ): Promise<void> {
    for (const side of SIDES) {
      const values = (lang: Language) => ({
        ...this.names(views[side]),
        count: days,
        expires: dayText(lang, r.expiresAt),
      });
      await this.notifier.notify({
        key: `relationship:${r.id}:reminder:${days}:${r.expiresAt.toISOString()}:${side}`,
        to: this.admins(views[side], side),
        content: (lang) =>
          this.notice(lang, side, 'title_reminder', 'message_reminder', values(lang)),
      });
    }
  }

  private notice(
    lang: Language,
    side: Side,
    titleKey: string,
    messageKey: string,
    values: Record<string, unknown>
  ) {
    const command = side === 'provider' ? 'resellers' : 'providers';
    return noticeContent(lang, {
      title: `relationships:notices.${titleKey}`,
      message: `relationships:notices.${messageKey}`,
      values,
      tone: GOOD_TITLES.has(titleKey) ? 'good' : 'default',
      steps: [{ command, title: { key: 'relationships:notices.open' } }],
    });
  }

  private admins(view: RelationshipView, side: Side): Recipient {
    const partner = side === 'provider' ? view.provider : view.reseller;
    return { kind: 'partnerRoles', partnerRef: partner.id, roles: MANAGERS };
  }

  private names(view: RelationshipView) {
    return {
      provider: userText(view.provider.legalName),
      reseller: userText(view.reseller.legalName),
    };
  }
}
