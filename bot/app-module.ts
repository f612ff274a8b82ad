import type { CloudAdapter } from 'botbuilder';
import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../models/connection.js';
import type { Logger } from '../logging/logger.js';
import type { HealthContributor } from '../web/health.route.js';
import type { HttpRoute } from '../web/http-route.js';
import type { Clock } from '../notifications/clock.js';
import type { OwedWork } from '../domain/notices/owed-work.js';
import type { DeliveryMetrics } from '../notifications/delivery-metrics.port.js';
import type { ReplyCardRecorder } from './card-sender.js';
import type { CommandAuthorizer, Feature } from './feature.js';

/** Shared infrastructure handed to modules (partners, notifications, enrollment...). */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DatabaseHandle;
  readonly adapter: CloudAdapter;
  /**
   * The app's one clock (wall-clock time in production): every module reads the time and sleeps
   * through it, so a test moves time for all of them in one place.
   */
  readonly clock: Clock;
  /** `clock`'s time as a Date, for the domain services that take a `now` function. */
  readonly now: () => Date;
  /** Counts outbox sends, Retry-After waits and dead letters (set with METRICS_TOKEN). */
  readonly deliveryMetrics?: DeliveryMetrics;
  /** Work a change owes others, done right after the request is answered (features' notices). */
  readonly owedWork: OwedWork;
}

/**
 * What a product module plugs into the app: bot features, HTTP routes, health fields, and
 * background work started after the server listens and stopped before the database closes.
 */
export interface AppModule {
  readonly features?: readonly Feature[];
  readonly routes?: readonly HttpRoute[];
  readonly healthContributors?: readonly HealthContributor[];
  /** The module that keeps every sent copy of a card true (notifications' outbox). */
  readonly cardCopies?: ReplyCardRecorder;
  /** The module that says who may do what (partners' memberships): commands' `may` ask it. */
  readonly authorizer?: CommandAuthorizer;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
