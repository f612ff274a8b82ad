import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import { AppCredentials, MsalServiceClientCredentialsFactory } from 'botframework-connector';
import type { AdapterOptions } from '../bot/adapter.js';

/** The issuer the Bot Connector service puts in the tokens it sends to bots. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** The scope a bot asks a token for when calling the Bot Connector. */
export const CONNECTOR_SCOPE = 'https://api.botframework.com';
const KID = 'test-signing-key';
const TENANT = 'botframework.com';

/** A Teams SSO (Entra) token as TeamsJS getAuthToken() returns it (v2 by default). */
export interface EntraTokenOptions {
  readonly audience: string;
  readonly tenantId: string;
  readonly oid: string;
  readonly name?: string;
  /** Default: the v2 issuer of `tenantId`. */
  readonly issuer?: string;
  readonly expiresInSeconds?: number;
  readonly wrongKey?: boolean;
}

export interface ChannelTokenOptions {
  /** `aud`: the bot's app id. */
  readonly audience: string;
  /** `serviceUrl` claim; must equal the activity's serviceUrl. */
  readonly serviceUrl: string;
  /** Seconds until expiry; negative for an expired token (the SDK allows 5 minutes of skew). */
  readonly expiresInSeconds?: number;
  readonly issuer?: string;
  /** Sign with a key the metadata does not publish (same kid), i.e. a forged token. */
  readonly wrongKey?: boolean;
}

/**
 * A local stand-in for both Microsoft identity endpoints a bot talks to: the Bot Connector's
 * OpenID metadata + JWKS (validating incoming requests) and an Entra ID token endpoint
 * (the bot's own token for outgoing calls). Everything stays on 127.0.0.1.
 */
export interface LocalBotAuth {
  readonly url: string;
  readonly openIdMetadataUrl: string;
  /** Client-credential requests the token endpoint answered (client ids and scopes, no secrets). */
  readonly tokenRequests: { clientId: string; scope: string }[];
  /** Access tokens the token endpoint issued: the fake connector should see them. */
  readonly issuedAccessTokens: string[];
  channelToken(options: ChannelTokenOptions): Promise<string>;
  /** OpenID metadata of the Entra stand-in (ENTRA_OPENID_METADATA_URL), same key set. */
  readonly entraMetadataUrl: string;
  /** A Teams SSO token signed by the local key (or a forger's). */
  entraToken(options: EntraTokenOptions): Promise<string>;
  /** `createApp({ adapterOptions })` pointing the adapter at this server for the given app. */
  adapterOptions(app: { appId: string; password: string }): AdapterOptions;
  close(): Promise<void>;
}

/**
 * MSAL insists on https authorities; this network client sends its requests to the same
 * host and port over plain http instead, so no certificate is needed in tests.
 */
function httpNetworkClient(): INetworkModule {
  const send = async (
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string }
  ) => {
    const res = await fetch(url.replace(/^https:/, 'http:'), init);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => (headers[key] = value));
    return { headers, body: (await res.json()) as never, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, { method: 'GET', headers: options?.headers }),
    sendPostRequestAsync: (url, options) =>
      send(url, { method: 'POST', headers: options?.headers, body: options?.body }),
  };
}

/** Starts the local auth server on a free port. */
export async function startLocalBotAuth(): Promise<LocalBotAuth> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const forger = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, use: 'sig', alg: 'RS256' };
  const tokenRequests: { clientId: string; scope: string }[] = [];
  const issuedAccessTokens: string[] = [];
  const secrets = new Map<string, string>();
  let base = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', base).pathname;
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const authority = `https://${new URL(base).host}/${TENANT}`;
      if (path === '/channel/.well-known/openid-configuration') {
        return json(200, {
          issuer: CHANNEL_ISSUER,
          jwks_uri: `${base}/channel/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (path === '/entra/v2.0/.well-known/openid-configuration') {
        // As Entra's multi-tenant metadata: the issuer names `{tenantid}`, filled per token.
        return json(200, {
          issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
          jwks_uri: `${base}/entra/discovery/v2.0/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (path === '/entra/discovery/v2.0/keys') return json(200, { keys: [jwk] });
      if (path === '/channel/keys')
        return json(200, { keys: [{ ...jwk, endorsements: ['msteams'] }] });
      if (path === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        return json(200, {
          issuer: `${authority}/v2.0`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          jwks_uri: `${authority}/discovery/v2.0/keys`,
        });
      }
      if (path === `/${TENANT}/oauth2/v2.0/token` && req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const clientId = form.get('client_id') ?? '';
        if (
          form.get('grant_type') !== 'client_credentials' ||
          secrets.get(clientId) !== form.get('client_secret')
        ) {
          return json(401, {
            error: 'invalid_client',
            error_description: 'bad client credentials',
          });
        }
        const accessToken = `local-access-token-${issuedAccessTokens.length + 1}`;
        issuedAccessTokens.push(accessToken);
        tokenRequests.push({ clientId, scope: form.get('scope') ?? '' });
        return json(200, {
          token_type: 'Bearer',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: accessToken,
        });
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const openIdMetadataUrl = `${base}/channel/.well-known/openid-configuration`;

  return {
    url: base,
    openIdMetadataUrl,
    tokenRequests,
    issuedAccessTokens,
    async channelToken(o) {
      const now = Math.floor(Date.now() / 1000);
      const key: CryptoKey = o.wrongKey ? forger.privateKey : privateKey;
      return new SignJWT({ serviceurl: o.serviceUrl, serviceUrl: o.serviceUrl })
        .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
        .setIssuer(o.issuer ?? CHANNEL_ISSUER)
        .setAudience(o.audience)
        .setIssuedAt(now - 60)
        .setNotBefore(now - 60)
        .setExpirationTime(now + (o.expiresInSeconds ?? 3600))
        .sign(key);
    },
    entraMetadataUrl: `${base}/entra/v2.0/.well-known/openid-configuration`,
    async entraToken(o) {
      const now = Math.floor(Date.now() / 1000);
      const key: CryptoKey = o.wrongKey ? forger.privateKey : privateKey;
      return new SignJWT({
        tid: o.tenantId,
        oid: o.oid,
        ver: '2.0',
        ...(o.name ? { name: o.name } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
        .setIssuer(o.issuer ?? `https://login.microsoftonline.com/${o.tenantId}/v2.0`)
        .setAudience(o.audience)
        .setSubject(o.oid)
        .setIssuedAt(now - 60)
        .setNotBefore(now - 60)
        .setExpirationTime(now + (o.expiresInSeconds ?? 3600))
        .sign(key);
    },
    adapterOptions({ appId, password }) {
      secrets.set(appId, password);
      // botframework-connector keeps bot tokens in a process-wide map keyed by app id and scope:
      // a token from an earlier test's auth server would be sent instead of asking this one.
      (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.clear();
      const authority = `https://${new URL(base).host}/${TENANT}`;
      const msal = new ConfidentialClientApplication({
        auth: {
          clientId: appId,
          clientSecret: password,
          authority,
          knownAuthorities: [new URL(base).host],
        },
        system: { networkClient: httpNetworkClient() },
      });
      return {
        authSettings: {
          ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
          ToBotFromChannelTokenIssuer: CHANNEL_ISSUER,
          ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl,
          ToChannelFromBotLoginUrl: authority,
          ToChannelFromBotOAuthScope: CONNECTOR_SCOPE,
          OAuthUrl: `${base}/oauth`,
          ValidateAuthority: false,
        },
        // botframework-connector loads MSAL's CommonJS build, this file its ESM build: same API.
        credentialsFactory: new MsalServiceClientCredentialsFactory(
          appId,
          msal as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]
        ),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
