import {
  ConversationState,
  type ActivityHandler,
  type AdaptiveCardInvokeResponse,
} from 'botbuilder';
import { DialogSet, type DialogState } from 'botbuilder-dialogs';
import type mongoose from 'mongoose';
import type { Config } from '../config/config.js';
import type { ConversationReferenceRepository } from '../domain/notifications/conversation-reference-repository.port.js';
import type { UserRepository } from '../domain/partners/user-repository.port.js';
import type { Logger } from '../logging/logger.js';
import { botStateModel } from '../models/bot-state/bot-state.schema.js';
import { MongoBotStorage } from '../models/bot-state/bot-state.storage.js';
import { MongoInvokeAnswers } from '../models/bot-state/invoke-answers.js';
import { conversationReferenceModel } from '../models/notifications/conversation-reference.schema.js';
import { userModel } from '../models/partners/user.schema.js';
import { MongoConversationReferenceRepository } from '../models/notifications/conversation-reference.repository.js';
import { MongoUserRepository } from '../models/partners/user.repository.js';
import { MongoTurnReads } from '../models/turn-reads.js';
import { ActorResolver } from './actor-resolver.js';
import type { ReplyCardRecorder } from './card-sender.js';
import type { CommandAuthorizer, Feature } from './feature.js';
import { FeatureRegistry } from './feature-registry.js';
import { createBasicsFeature } from './basics.feature.js';
import { PartnerConnectBot } from './partner-connect.bot.js';
import { TeamRoster } from './team-roster.js';
import { systemClock, type Clock } from '../notifications/clock.js';

export interface CreateBotOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly connection: mongoose.Connection;
  /**
   * Other bot processes may use the database at once (MONGODB_URI, or `npm start`'s database
   * process): the Action.Execute replay guard is then kept in it too. Default false.
   */
  readonly sharedDatabase?: boolean;
  /** Product features; the built-in basics (help, cancel, language) are added first. */
  readonly features?: readonly Feature[];
  /** Use these instead of the MongoDB repositories (features built before the bot share them). */
  readonly users?: UserRepository;
  readonly conversationReferences?: ConversationReferenceRepository;
  /** Keeps every sent copy of a card true (the notifications module's service). */
  readonly cardCopies?: ReplyCardRecorder;
  /** Checks the role a command declares (`may`); unset, such a command cannot run. */
  readonly authorizer?: CommandAuthorizer;
  /** The app's one clock (default wall-clock time). */
  readonly clock?: Clock;
}

export interface CreatedBot {
  readonly bot: ActivityHandler;
  readonly users: UserRepository;
  readonly conversationReferences: ConversationReferenceRepository;
}

/** Builds the bot over one database connection: state storage, repositories, features, dialogs. */
export async function createBot(options: CreateBotOptions): Promise<CreatedBot> {
  const { connection, logger } = options;
  const clock = options.clock ?? systemClock;
  const storage = new MongoBotStorage(connection);
  const users = options.users ?? new MongoUserRepository(connection, () => new Date(clock.now()));
  const conversationReferences =
    options.conversationReferences ??
    new MongoConversationReferenceRepository(connection, () => new Date(clock.now()));
  // Unique indexes must exist before the first turn, or two first turns could both insert.
  await Promise.all([
    userModel(connection).init(),
    conversationReferenceModel(connection).init(),
    botStateModel(connection).init(),
  ]);

  // Assigned once below; `help` reads it lazily because the registry holds the basics too.
  let registry: FeatureRegistry | undefined;
  const basics = createBasicsFeature({
    users,
    registry: () => {
      if (!registry) throw new Error('feature registry used before the bot was built');
      return registry;
    },
  });
  registry = new FeatureRegistry([basics, ...(options.features ?? [])], options.authorizer);

  const conversationState = new ConversationState(storage);
  const dialogs = new DialogSet(conversationState.createProperty<DialogState>('dialogState'));
  for (const dialog of registry.dialogs) dialogs.add(dialog);

  // Several bot processes on one database (MONGODB_URI, or npm start's database process): the
  // replay guard is shared too, as a replay may reach another process than the first click.
  // Its entries are timed by the wall clock, not the app's: a TTL index expires them by the
  // database's clock, which removed at once an entry stamped with a test's calendar, and the
  // replay reaching the other process ran the invoke a second time.
  const invokeAnswers = options.sharedDatabase
    ? new MongoInvokeAnswers<AdaptiveCardInvokeResponse>(connection)
    : undefined;
  await invokeAnswers?.init();
  const bot = new PartnerConnectBot({
    registry,
    dialogs,
    conversationState,
    once: storage,
    actors: new ActorResolver(users, logger.child({ module: 'actor' }), () => clock.now()),
    // Only with the MongoDB repositories: the prefetch fills their turn memo, no one else's.
    ...(options.users ? {} : { turnReads: new MongoTurnReads(connection, logger) }),
    conversationReferences,
    ...(invokeAnswers ? { invokeAnswers } : {}),
    ...(options.cardCopies ? { cardCopies: options.cardCopies } : {}),
    teamRoster: new TeamRoster(users, logger.child({ module: 'team-roster' })),
    now: () => clock.now(),
    logger,
  });
  return { bot, users, conversationReferences };
}
