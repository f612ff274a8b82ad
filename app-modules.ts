import type { AppModuleFactory } from './app.js';
import {
  createEnrollmentModule,
  createRecipientDirectory,
  type EnrollmentModule,
} from './bot/features/enrollment/enrollment.feature.js';
import {
  createNotifications,
  type Notifications,
  type NotificationsOptions,
} from './bot/features/notifications/notifications.module.js';

/** The product's modules as an app built them (for tests that reach their services). */
export interface BuiltProductModules {
  notifications?: Notifications;
  enrollment?: EnrollmentModule;
}

export interface ProductModulesOptions {
  /** Delivery worker settings (tests: fast polling and retries). */
  readonly worker?: NotificationsOptions['worker'];
  /** Filled in as the app builds the modules. */
  readonly built?: BuiltProductModules;
}

/**
 * The product's modules in the order they must be built: notifications first (enrollment
 * notifies and mails through them, and registers its repair sweep with their worker), then
 * enrollment. A fresh list per app, since modules built for one app share state only through
 * that app's database.
 */
export function productModules(opts: ProductModulesOptions = {}): AppModuleFactory[] {
  const built = opts.built ?? {};
  return [
    (ctx) =>
      (built.notifications = createNotifications(ctx, {
        recipients: createRecipientDirectory(ctx),
        ...(opts.worker ? { worker: opts.worker } : {}),
      })),
    async (ctx) => {
      const notifications = built.notifications;
      if (!notifications) throw new Error('notifications must be built before enrollment');
      return (built.enrollment = await createEnrollmentModule(ctx, {
        notifier: notifications.service,
        mail: notifications.mail,
        addSweep: notifications.addSweep,
      }));
    },
  ];
}
