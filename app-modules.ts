import type { AppModuleFactory } from './app.js';
import { createEnrollmentModule, createRecipientDirectory } from './bot/features/enrollment.feature.js';
import { createNotifications, type Notifications } from './notifications/notifications.module.js';

/**
 * The product's modules in the order they must be built: notifications first (enrollment
 * notifies and mails through them), then enrollment. A fresh list per app, since modules
 * built for one app share state only through that app's database.
 */
export function productModules(): AppModuleFactory[] {
  let notifications: Notifications | undefined;
  return [
    (ctx) => (notifications = createNotifications(ctx, { recipients: createRecipientDirectory(ctx) })),
    (ctx) => {
      if (!notifications) throw new Error('notifications must be built before enrollment');
      return createEnrollmentModule(ctx, {
        notifier: notifications.service,
        mail: notifications.mail,
        addSweep: notifications.addSweep,
      });
    },
  ];
}
