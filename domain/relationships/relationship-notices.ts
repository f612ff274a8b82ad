import type { Logger } from '../../logging/logger.js';
import { OwedNotices } from '../notices/owed-notices.js';
import type { OwedWork } from '../notices/owed-work.js';
import type { Relationship } from './relationship.js';
import type { RelationshipRepository } from './relationship-repository.port.js';

/** Tells both sides what a relationship's last change (or a due reminder) means for them. */
export interface RelationshipNotifier {
  changed(relationship: Relationship): Promise<void>;
}

/**
 * The notices a relationship's change owes (the owed-notice mechanism of domain/notices over
 * relationship records): every copy of its cards updated, the other side told, reminders sent.
 */
export class RelationshipNotices extends OwedNotices<Relationship> {
  constructor(
    relationships: RelationshipRepository,
    notifier: RelationshipNotifier,
    now: () => Date,
    logger: Logger,
    work?: OwedWork
  ) {
    super('relationships', relationships, (r) => notifier.changed(r), now, logger, work);
  }
}
