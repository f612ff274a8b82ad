import { DEFAULT_VERIFICATION_POLICY } from '../../../domain/enrollment/verification.service.js';
import { VerificationService } from '../../../domain/enrollment/verification.service.js';
import { EnrollmentService } from '../../../domain/enrollment/enrollment.service.js';
import { ReviewService } from '../../../domain/enrollment/review.service.js';
import type { EnrollmentServices } from '../../../dialogs/enrollment/enrollment-services.js';
import { createEnrollmentStores } from '../../../models/enrollment/enrollment-stores.js';
import type { AppContext, AppModule } from '../../app-module.js';
import type { Notifications } from '../notifications/notifications.module.js';
import type { PartnersModule } from '../partners/partners.module.js';
import { usersFeature } from '../partners/users.feature.js';
import { enrollmentFeature } from './enrollment.feature.js';
import { EnrollmentNotices } from '../../../domain/enrollment/enrollment-notices.js';
import { OutboxEnrollmentNotifier } from './enrollment-notifier.js';

/** What enrollment builds on: the partner core and the notifications (mail, outbox, sweeps). */
export interface EnrollmentModuleDeps {
  readonly partners: PartnersModule;
  readonly notifications: Pick<Notifications, 'service' | 'mail' | 'owedNotices' | 'addSweep'>;
}

/** The enrollment module: its services (tests reach them here) and the enrollment feature. */
export interface EnrollmentModule extends AppModule {
  readonly services: EnrollmentServices;
}

/** Builds the enrollment services and feature on the app's database. */
export async function createEnrollmentModule(
  ctx: AppContext,
  deps: EnrollmentModuleDeps
): Promise<EnrollmentModule> {
  const { logger } = ctx;
  const now = ctx.now;
  const stores = await createEnrollmentStores(ctx.db.connection);
  const { partners, memberships } = deps.partners;
  const review = (): ReviewService => reviewService;
  const notifier = new OutboxEnrollmentNotifier(
    deps.notifications.service,
    deps.notifications.mail,
    logger,
    {
      reviewQueue: () => partners.listByStatus('underReview'),
    }
  );
  const notices = new EnrollmentNotices(partners, notifier, now, logger, ctx.owedWork);
  deps.notifications.owedNotices.register(notices);
  // A partner whose Submit died before its roster: its founder is made Global admin here.
  deps.notifications.addSweep('enrollment-founders', async () => {
    await memberships.settleOwedFounders();
  });
  const verification = new VerificationService({
    repo: stores.verifications,
    mail: deps.notifications.mail,
    now,
    logger,
  });
  const enrollment = new EnrollmentService({
    partners,
    drafts: stores.drafts,
    memberships,
    verification,
    notices,
    now,
    logger,
  });
  const reviewService = new ReviewService({ partners, memberships, notices, now, logger });
  const services: EnrollmentServices = {
    enrollment,
    review: review(),
    memberships,
    codeMinutes: DEFAULT_VERIFICATION_POLICY.ttlMs / 60_000,
    termsUrl: `${ctx.config.publicBaseUrl}/terms`,
  };
  const users = usersFeature({
    memberships: deps.partners.memberships,
    notifier: deps.notifications.service,
  });
  return { services, features: [enrollmentFeature(services), users] };
}
