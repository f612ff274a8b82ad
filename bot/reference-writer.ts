import { TurnContext } from 'botbuilder';
import type { ConversationReferenceRepository } from '../domain/notifications/conversation-reference-repository.port.js';
import type { ResolvedTurn } from './actor-resolver.js';
import { RecentWrites } from './recent-writes.js';

/**
 * Saves where each conversation can be reached (every turn and install, per the contract), but
 * skips the database when this process wrote the same recently, which is most turns, including
 * the group messages the bot ignores. Install events always write: a reinstall must clear
 * `gone` at once, even if the delivery worker marked it after a 403 seconds ago.
 */
export class ConversationReferenceWriter {
  constructor(
    private readonly references: ConversationReferenceRepository,
    private readonly recent: RecentWrites = new RecentWrites(),
    private readonly now: () => number = Date.now
  ) {}

  async save(
    turn: TurnContext,
    resolved: ResolvedTurn,
    options: { force: boolean }
  ): Promise<void> {
    const reference = TurnContext.getConversationReference(turn.activity);
    const conversationId = reference.conversation?.id;
    if (!conversationId || !reference.serviceUrl) return;
    const personal = resolved.conversationType === 'personal';
    const stored = {
      tenantId: resolved.actor.tenantId,
      ...(personal ? { aadObjectId: resolved.actor.aadObjectId } : {}),
      conversationId,
      conversationType: resolved.conversationType,
      serviceUrl: reference.serviceUrl,
      botId: reference.bot?.id ?? '',
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    };
    // The activity id changes every turn, and in group chats so does the speaker: neither
    // matters for reaching the conversation later.
    const { activityId: _id, user, ...where } = stored.reference;
    const fingerprint = JSON.stringify({
      ...stored,
      reference: personal ? { ...where, user } : where,
    });
    if (!options.force && this.recent.isUnchanged(conversationId, fingerprint)) return;
    await this.references.save({ ...stored, gone: false, updatedAt: new Date(this.now()) });
    this.recent.remember(conversationId, fingerprint);
  }

  async markGone(conversationId: string): Promise<void> {
    this.recent.forget(conversationId);
    await this.references.markGone(conversationId);
  }
}
