import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Config } from '../config/config.js';
import { turnLanguage } from '../dialogs/turn-scope.js';
import { t } from '../i18n/i18n.js';
import { isDatabaseUnavailable } from '../models/database-unavailable.js';
import type { Logger } from '../logging/logger.js';
import { sendInvokeMessage } from './invoke-message.js';

type CredentialsFactory = ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];

export interface AdapterOptions {
  /**
   * Bot Framework auth endpoints (`ToBotFromChannelOpenIdMetadataUrl`, `ToChannelFromBotLoginUrl`...)
   * for a private cloud or a test; unset: the public Azure cloud.
   */
  readonly authSettings?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  /** Replaces the credentials built from MicrosoftAppId/Password (tests, certificates). */
  readonly credentialsFactory?: CredentialsFactory;
}

/**
 * What the messages route checks before it reads a body (bot/messages.route.ts): the token in
 * the Authorization header, without the activity (the serviceUrl claim is checked against the
 * body afterwards, by the adapter).
 */
export interface RequestAuthenticator {
  /** True when MicrosoftAppId is set and every request must carry a Bot Framework token. */
  readonly authEnabled: boolean;
  /** Throws AuthenticationError (401) unless the header holds a valid token for this bot. */
  authenticateHeader(authorization: string): Promise<void>;
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

/**
 * A CloudAdapter that can check a request's token before its body is read: a channel that cannot
 * present a valid token must not get to hold a connection open while it trickles a body in.
 */
export class PartnerConnectAdapter extends CloudAdapter implements RequestAuthenticator {
  constructor(
    private readonly auth: StrictBotFrameworkAuthentication,
    readonly authEnabled: boolean
  ) {
    super(auth);
  }

  async authenticateHeader(authorization: string): Promise<void> {
    if (!this.authEnabled) return;
    // Empty channelId and serviceUrl: signature, issuer, audience and expiry are checked now;
    // the key's channel endorsement and the serviceUrl claim when the adapter sees the activity.
    await this.auth.authenticateRequest({ channelId: '', serviceUrl: '' } as never, authorization);
  }
}

/** The CloudAdapter with auth from Config and the one place unexpected turn errors end up. */
export function createAdapter(
  config: Config,
  logger: Logger,
  options: AdapterOptions = {}
): PartnerConnectAdapter {
  const log = logger.child({ module: 'adapter' });
  const auth = new StrictBotFrameworkAuthentication(
    {
      MicrosoftAppId: config.microsoftAppId ?? '',
      MicrosoftAppPassword: config.microsoftAppPassword ?? '',
      MicrosoftAppType: config.microsoftAppType,
      MicrosoftAppTenantId: config.microsoftAppTenantId ?? '',
      ...config.botFrameworkAuth,
      ...options.authSettings,
    } as ConfigurationBotFrameworkAuthenticationOptions,
    options.credentialsFactory
  );
  if (!config.microsoftAppId) {
    log.warn(
      { host: config.host ?? 'every interface' },
      'MicrosoftAppId is not set: /api/messages accepts UNAUTHENTICATED requests. ' +
        'Fine for the Agents Playground, Emulator and tests; never expose this bot like that ' +
        '(it listens on 127.0.0.1 unless HOST says otherwise).'
    );
  }

  const adapter = new PartnerConnectAdapter(auth, !!config.microsoftAppId);
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
      // The user's `language` choice once the bot resolved it, else the client locale. A
      // database outage is said as such: the person should wait, not rephrase or report a bug.
      const text = t(
        turnLanguage(context),
        isDatabaseUnavailable(error) ? 'errors:unavailable' : 'errors:generic'
      );
      if (a.type === 'invoke' && a.name === 'adaptiveCard/action') {
        // Action.Execute waits for an invoke response: without one Teams shows its own
        // unexplained error on the card. A message response shows the text there instead.
        await sendInvokeMessage(context, text);
      } else {
        await context.sendActivity(text);
      }
    } catch (sendErr) {
      log.warn({ err: sendErr, activityId: a.id }, 'could not send the apology');
    }
    // Conversation state is left as it was before this turn (the bot saves it only at the end
    // of a turn that succeeded): the person stays in the dialog they were in and can try again,
    // or type `cancel` (routed before any dialog) should that step keep failing.
  };
  return adapter;
}
