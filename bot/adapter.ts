import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Config } from '../config/config.js';
import { turnLanguage } from '../dialogs/turn-scope.js';
import { t } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';

type CredentialsFactory = ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];

export interface AdapterOptions {
  /**
   * Bot Framework auth endpoints (`ToBotFromChannelOpenIdMetadataUrl`, `ToChannelFromBotLoginUrl`...)
   * for a private cloud or a test; unset: the public Azure cloud.
   */
  readonly authSettings?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  /** Replaces the credentials built from MicrosoftAppId/Password (tests, certificates). */
  readonly credentialsFactory?: CredentialsFactory;
  /** Cleared after a failed turn so a broken dialog does not fail every later turn too. */
  readonly conversationState?: ConversationState;
}

/**
 * The SDK lets token-validation errors that are not `AuthenticationError` (a bad signature from
 * jsonwebtoken) escape as 500; every failure to authenticate a request is a 401 here.
 */
class StrictBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(
    ...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
  ) {
    try {
      return await super.authenticateRequest(...args);
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      throw new AuthenticationError(`Unauthorized: ${(err as Error).message}`, 401);
    }
  }
}

/** The CloudAdapter with auth from Config and the one place unexpected turn errors end up. */
export function createAdapter(
  config: Config,
  logger: Logger,
  options: AdapterOptions = {}
): CloudAdapter {
  const log = logger.child({ module: 'adapter' });
  const auth = new StrictBotFrameworkAuthentication(
    {
      MicrosoftAppId: config.microsoftAppId ?? '',
      MicrosoftAppPassword: config.microsoftAppPassword ?? '',
      MicrosoftAppType: config.microsoftAppType,
      MicrosoftAppTenantId: config.microsoftAppTenantId ?? '',
      ...options.authSettings,
    } as ConfigurationBotFrameworkAuthenticationOptions,
    options.credentialsFactory
  );
  if (!config.microsoftAppId) {
    log.warn(
      'MicrosoftAppId is not set: /api/messages accepts UNAUTHENTICATED requests. ' +
        'Fine for the Agents Playground, Emulator and tests; never expose this bot like that.'
    );
  }

  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const a = context.activity;
    log.error(
      {
        err: error,
        activityId: a.id,
        activityType: a.type,
        conversationId: a.conversation?.id,
        tenantId: a.channelData?.tenant?.id ?? a.conversation?.tenantId,
        aadObjectId: a.from?.aadObjectId,
      },
      'unhandled error in turn'
    );
    try {
      // The user's `language` choice once the bot resolved it, else the client locale.
      await context.sendActivity(t(turnLanguage(context), 'errors:generic'));
    } catch (sendErr) {
      log.warn({ err: sendErr, activityId: a.id }, 'could not send the apology');
    }
    if (options.conversationState) {
      try {
        await options.conversationState.delete(context);
      } catch (stateErr) {
        log.warn({ err: stateErr, activityId: a.id }, 'could not clear conversation state');
      }
    }
  };
  return adapter;
}
