import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/config.js';

const GUID_A = '11111111-0000-0000-0000-000000000001';
const GUID_B = '99999999-0000-0000-0000-000000000009';
/** 32 bytes, base64: INVITATION_CODE_KEY as `openssl rand -base64 32` prints one. */
const KEY = Buffer.alloc(32, 3).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  describe('defaults with an empty environment', () => {
    const config = loadConfig({});
    const cases: [keyof typeof config, unknown][] = [
      ['port', 3978],
      // Open mode (no app id): this machine only.
      ['host', '127.0.0.1'],
      ['microsoftAppId', undefined],
      ['microsoftAppPassword', undefined],
      ['microsoftAppType', 'MultiTenant'],
      ['microsoftAppTenantId', undefined],
      ['mongodbUri', undefined],
      ['dataDir', path.resolve('./data')],
      ['publicBaseUrl', 'http://localhost:3978'],
      ['operatorAadObjectIds', []],
      ['smtpUrl', undefined],
      ['metricsToken', undefined],
      ['otlpEndpoint', undefined],
      ['otlpHeaders', {}],
      ['appInsightsConnectionString', undefined],
      ['otelServiceName', 'partner-connect'],
      ['mailFrom', 'Partner Connect <no-reply@partner-connect.local>'],
      ['logLevel', 'info'],
      ['tenantMessagesPerSecond', 20],
      ['invitationExpiryDays', 30],
      ['botFrameworkAuth', {}],
      ['trustedServiceUrlHosts', []],
      // One bot process per core the process may run on (server/supervisor.ts).
      ['webConcurrency', os.availableParallelism()],
      // The REST API's Teams SSO keys: Entra's multi-tenant metadata.
      [
        'entraOpenIdMetadataUrl',
        'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      ],
      // Webhooks: https only, 10 s an attempt, retried from 30 s for a day.
      [
        'webhooks',
        { allowHttpLoopback: false, timeoutMs: 10_000, retryMs: 30_000, retryForMs: 86_400_000 },
      ],
      // No app id: no Graph app either; Microsoft's public endpoints.
      [
        'graph',
        {
          baseUrl: 'https://graph.microsoft.com/v1.0',
          authorityHost: 'https://login.microsoftonline.com',
        },
      ],
    ];
    for (const [key, expected] of cases) {
      it(`defaults ${key} to ${JSON.stringify(expected)}`, () => {
        expect(config[key]).to.deep.equal(expected);
      });
    }

    it('covers every configuration field with a default test', () => {
      expect(Object.keys(config).sort()).to.deep.equal(cases.map(([k]) => k).sort());
    });

    it('is frozen, operators list included', () => {
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.operatorAadObjectIds)).to.equal(true);
    });
  });

  it("gives Graph the bot's app id and password unless GRAPH_CLIENT_ID / _SECRET are set", () => {
    const bot = { MicrosoftAppId: 'bot-app', MicrosoftAppPassword: 'bot-secret' };
    expect(loadConfig(bot).graph).to.include({ clientId: 'bot-app', clientSecret: 'bot-secret' });
    const own = loadConfig({ ...bot, GRAPH_CLIENT_ID: 'graph-app', GRAPH_CLIENT_SECRET: 'g' });
    expect(own.graph).to.include({ clientId: 'graph-app', clientSecret: 'g' });
    expect(() => loadConfig({ GRAPH_BASE_URL: 'http://graph.example.com' })).to.throw(
      /GRAPH_BASE_URL: must be https/
    );
    expect(() => loadConfig({ GRAPH_CLIENT_SECRET: 'leaked', GRAPH_BASE_URL: 'x' })).to.throw(
      ConfigError
    );
  });

  it('listens on every interface with an app id, and where HOST says in either mode', () => {
    const withAppId = { MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'secret' };
    expect(loadConfig(withAppId).host).to.equal(undefined);
    expect(loadConfig({ ...withAppId, HOST: '127.0.0.1' }).host).to.equal('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).to.equal('0.0.0.0');
    expect(loadConfig({ HOST: ' :: ' }).host).to.equal('::');
    expect(problemsOf({ HOST: 'http://0.0.0.0/' })[0]).to.match(/^HOST: /);
  });

  it('reads the tracing variables, OTLP headers as key=value pairs', () => {
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=abc%3D1, x-dataset=bot',
      OTEL_SERVICE_NAME: 'pc-prod',
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000',
    });
    expect(config.otlpEndpoint).to.equal('http://otel-collector:4318');
    expect(config.otlpHeaders).to.deep.equal({ 'x-honeycomb-team': 'abc=1', 'x-dataset': 'bot' });
    expect(config.otelServiceName).to.equal('pc-prod');
    expect(config.appInsightsConnectionString).to.match(/^InstrumentationKey=/);
  });

  it('refuses a malformed OTLP endpoint, headers or connection string, without repeating secrets', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'secret-without-equals',
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).to.deep.equal([
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
    ]);
    expect(error!.message).to.not.include('secret-without-equals');
    expect(error!.message).to.not.include('not-a-connection-string');
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({ PORT: '', MicrosoftAppId: '  ', MONGODB_URI: '', LOG_LEVEL: ' ' });
    expect(config.port).to.equal(3978);
    expect(config.microsoftAppId).to.equal(undefined);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.logLevel).to.equal('info');
  });

  it('derives PUBLIC_BASE_URL from PORT when unset, and drops a trailing slash when set', () => {
    expect(loadConfig({ PORT: '4000' }).publicBaseUrl).to.equal('http://localhost:4000');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://bot.example.com/' }).publicBaseUrl).to.equal(
      'https://bot.example.com'
    );
  });

  it('refuses a METRICS_TOKEN shorter than 24 characters, naming it', () => {
    expect(problemsOf({ METRICS_TOKEN: 'short' }).join('\n')).to.match(
      /METRICS_TOKEN.*at least 24 characters/
    );
    expect(loadConfig({ METRICS_TOKEN: 'x'.repeat(24) }).metricsToken).to.equal('x'.repeat(24));
  });

  describe('PUBLIC_BASE_URL', () => {
    const teams = { MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'secret' };

    it('must be https when MicrosoftAppId is set (a Teams deployment)', () => {
      const problems = problemsOf({ ...teams, PUBLIC_BASE_URL: 'http://bot.example.com' });
      expect(problems).to.have.length(1);
      expect(problems[0])
        .to.match(/^PUBLIC_BASE_URL: /)
        .and.include('https')
        .and.include('MicrosoftAppId')
        .and.include('"http://bot.example.com"');
      const https = loadConfig({ ...teams, PUBLIC_BASE_URL: 'https://bot.example.com' });
      expect(https.publicBaseUrl).to.equal('https://bot.example.com');
    });

    for (const local of ['http://localhost:3978', 'http://127.0.0.1:8080/', 'http://[::1]:3978']) {
      it(`allows plain http for local use (${local}), with or without MicrosoftAppId`, () => {
        expect(loadConfig({ ...teams, PUBLIC_BASE_URL: local }).publicBaseUrl).to.equal(
          local.replace(/\/$/, '')
        );
      });
    }

    it('allows plain http anywhere without MicrosoftAppId (Playground, Emulator)', () => {
      expect(loadConfig({ PUBLIC_BASE_URL: 'http://devbox.lan:3978' }).publicBaseUrl).to.equal(
        'http://devbox.lan:3978'
      );
    });

    it('keeps the local default with MicrosoftAppId when unset', () => {
      const config = loadConfig({ ...teams, PORT: '4000' });
      expect(config.publicBaseUrl).to.equal('http://localhost:4000');
    });

    it('refuses a scheme other than http and https', () => {
      const problems = problemsOf({ PUBLIC_BASE_URL: 'ftp://bot.example.com' });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^PUBLIC_BASE_URL: /);
    });
  });

  it('reads every variable when set', () => {
    const config = loadConfig({
      PORT: '8080',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'tenant-id',
      MONGODB_URI: 'mongodb://db.example:27017/pc',
      DATA_DIR: '/tmp/pc-data',
      OPERATOR_AAD_OBJECT_IDS: ` ${GUID_A} ,${GUID_B},`,
      SMTP_URL: 'smtp://mail.example:25',
      MAIL_FROM: 'PC <pc@example.com>',
      LOG_LEVEL: 'debug',
      TENANT_MESSAGES_PER_SECOND: '5',
      INVITATION_CODE_KEY: KEY,
      INVITATION_EXPIRY_DAYS: '14',
    });
    expect(config.invitationCodeKey).to.deep.equal(Buffer.alloc(32, 3));
    expect(config).to.deep.include({
      port: 8080,
      microsoftAppId: 'app-id',
      microsoftAppPassword: 'secret',
      microsoftAppType: 'SingleTenant',
      microsoftAppTenantId: 'tenant-id',
      mongodbUri: 'mongodb://db.example:27017/pc',
      dataDir: '/tmp/pc-data',
      smtpUrl: 'smtp://mail.example:25',
      mailFrom: 'PC <pc@example.com>',
      logLevel: 'debug',
      tenantMessagesPerSecond: 5,
      invitationExpiryDays: 14,
    });
    expect(config.operatorAadObjectIds).to.deep.equal([GUID_A, GUID_B]);
  });

  it('names every wrong variable at once, cross-variable rules included', () => {
    const problems = problemsOf({
      PORT: 'abc',
      MicrosoftAppId: 'app-id',
      MicrosoftAppType: 'SingleTenant',
      MONGODB_URI: 'http://db',
      PUBLIC_BASE_URL: 'not a url',
      OPERATOR_AAD_OBJECT_IDS: `${GUID_A},bob`,
      SMTP_URL: 'http://mail',
      LOG_LEVEL: 'loud',
      TENANT_MESSAGES_PER_SECOND: '-1',
      INVITATION_EXPIRY_DAYS: '0',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named).to.have.members([
      'PORT',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'INVITATION_CODE_KEY',
      'MONGODB_URI',
      'PUBLIC_BASE_URL',
      'OPERATOR_AAD_OBJECT_IDS',
      'SMTP_URL',
      'LOG_LEVEL',
      'TENANT_MESSAGES_PER_SECOND',
      'INVITATION_EXPIRY_DAYS',
    ]);
  });

  it('takes WEB_CONCURRENCY as a count of bot processes, at least 1', () => {
    expect(loadConfig({ WEB_CONCURRENCY: '3' }).webConcurrency).to.equal(3);
    expect(problemsOf({ WEB_CONCURRENCY: '0' }).join('\n')).to.match(
      /^WEB_CONCURRENCY: .*at least 1/
    );
    expect(problemsOf({ WEB_CONCURRENCY: 'many' })[0]).to.match(/^WEB_CONCURRENCY: /);
  });

  it('refuses an unknown MicrosoftAppType and an out-of-range PORT', () => {
    const problems = problemsOf({ MicrosoftAppType: 'AnyTenant', PORT: '70000' });
    expect(problems.join('\n'))
      .to.match(/MicrosoftAppType/)
      .and.match(/PORT/);
  });

  it('puts all problems in the error message, without echoing secret values', () => {
    try {
      loadConfig({
        PORT: 'abc',
        MONGODB_URI: 'http://admin:hunter2@db',
        SMTP_URL: 'ftp://u:pw@mail',
      });
      expect.fail('expected a ConfigError');
    } catch (err) {
      const message = (err as Error).message;
      expect(message)
        .to.include('PORT')
        .and.include('"abc"')
        .and.include('MONGODB_URI')
        .and.include('SMTP_URL');
      expect(message).not.to.include('hunter2');
      expect(message).not.to.include('pw@');
    }
  });

  it('needs no password for a user-assigned managed identity, but a tenant id', () => {
    const problems = problemsOf({ MicrosoftAppId: 'app-id', MicrosoftAppType: 'UserAssignedMSI' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^MicrosoftAppTenantId/);
  });

  it('accepts MultiTenant with an app id and password and no tenant id', () => {
    const config = loadConfig({ MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'secret' });
    expect(config.microsoftAppTenantId).to.equal(undefined);
  });

  describe('INVITATION_CODE_KEY', () => {
    it('is required with MicrosoftAppId and MONGODB_URI, not to build the package', () => {
      const teams = {
        MicrosoftAppId: 'app-id',
        MicrosoftAppPassword: 'secret',
        MONGODB_URI: 'mongodb://db.example:27017/pc',
      };
      expect(problemsOf(teams)).to.deep.equal([
        'INVITATION_CODE_KEY: is required when MicrosoftAppId and MONGODB_URI are set ' +
          '(32+ random bytes, base64 or hex: openssl rand -base64 32)',
      ]);
      expect(loadConfig(teams, { credentials: false }).invitationCodeKey).to.equal(undefined);
      // The embedded database (F5, one container): generated into DATA_DIR beside it.
      const { MONGODB_URI: _, ...embedded } = teams;
      expect(loadConfig(embedded).invitationCodeKey).to.equal(undefined);
    });

    it('is optional in open mode (a key is generated into DATA_DIR then)', () => {
      expect(loadConfig({}).invitationCodeKey).to.equal(undefined);
    });

    it('reads 32+ bytes as hex or base64 and refuses less, never echoing the value', () => {
      const hex = 'c0'.repeat(32);
      expect(loadConfig({ INVITATION_CODE_KEY: hex }).invitationCodeKey).to.deep.equal(
        Buffer.alloc(32, 0xc0)
      );
      const url = Buffer.alloc(48, 0xfb).toString('base64url');
      expect(loadConfig({ INVITATION_CODE_KEY: url }).invitationCodeKey).to.deep.equal(
        Buffer.alloc(48, 0xfb)
      );
      for (const weak of ['c0'.repeat(31), 'password', Buffer.alloc(31).toString('base64')]) {
        const problems = problemsOf({ INVITATION_CODE_KEY: weak });
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(/^INVITATION_CODE_KEY: must be at least 32 random bytes/);
        expect(problems[0]).to.not.include(weak);
      }
    });
  });
});
