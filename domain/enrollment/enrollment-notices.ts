import type { Logger } from '../../logging/logger.js';
import { OwedNotices } from '../notices/owed-notices.js';
import type { OwedWork } from '../notices/owed-work.js';
import type { Partner } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';
import { applicationOwes } from './application.js';
import type { EnrollmentNotifier } from './enrollment-notifier.port.js';

export { NOTICE_GIVE_UP_MS, NOTICE_GRACE_MS } from '../notices/owed-notices.js';

/**
 * The notices a partner's status owes: review cards once under review, the outcome once
 * decided (the owed-notice mechanism of domain/notices over the partner records).
 */
export class EnrollmentNotices extends OwedNotices<Partner> {
  constructor(
    partners: PartnerRepository,
    notifier: EnrollmentNotifier,
    now: () => Date,
    logger: Logger,
    work?: OwedWork
  ) {
    super(
      'enrollment',
      partners,
      async (partner) => {
        const owed = applicationOwes(partner);
        if (owed === 'review') await notifier.submittedForReview(partner);
        else if (owed === 'outcome') await notifier.decided(partner);
      },
      now,
      logger,
      work
    );
  }
}
