import type { Logger } from '../../logging/logger.js';
import { OwedNotices } from '../notices/owed-notices.js';
import type { OwedWork } from '../notices/owed-work.js';
import type { Invitation } from './invitation.js';
import type { InvitationRepository } from './invitation-repository.port.js';

/**
 * What an invitation's change owes (the owed-notice mechanism of domain/notices): for an
 * acceptance the customer record, its links and admin, then every card copy and the notices.
 */
export class InvitationNotices extends OwedNotices<Invitation> {
  constructor(
    invitations: InvitationRepository,
    settle: (invitation: Invitation) => Promise<void>,
    now: () => Date,
    logger: Logger,
    work?: OwedWork
  ) {
    super('invitations', invitations, settle, now, logger, work);
  }
}
