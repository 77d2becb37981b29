/** The local server's configuration and the environment it gives the handlers. */

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, ENV, LEGACY_DEFAULT_ISSUER } from '../../lambdas/config';
import { TABLES, tableEnvironment } from '../../lambdas/contract/tables';
import { readLocalConfig } from '../../local/config';
import { handlerEnvironment, tableNames } from '../../local/handler-env';
import { rememberIssuer } from '../../local/issuers';
import { LOCAL_TABLE_NAMES } from '../../local/tables';

describe('readLocalConfig', () => {
  it('returns port 3000, DATA_DIR .data under cwd and the embedded engine when nothing is set', () => {
    const config = readLocalConfig({}, '/srv/app');

    expect(config).toEqual({
      port: 3000,
      dataDir: '/srv/app/.data',
      corsOrigins: [],
      tokens: {
        issuer: LEGACY_DEFAULT_ISSUER,
        audience: DEFAULTS.audience,
        clientId: DEFAULTS.audience,
        accessTokenTtlSeconds: DEFAULTS.accessTokenTtlSeconds,
        refreshTokenTtlSeconds: DEFAULTS.refreshTokenTtlSeconds,
      },
    });
  });

  it('reads PORT, DATA_DIR, DYNAMODB_ENDPOINT and the token settings of the stack', () => {
    const config = readLocalConfig(
      {
        PORT: '8080',
        DATA_DIR: 'var/data',
        DYNAMODB_ENDPOINT: 'http://localhost:8000',
        [ENV.issuer]: 'https://auth.local',
        [ENV.accessTokenTtlSeconds]: '60',
      },
      '/srv/app',
    );

    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/srv/app/var/data',
      dynamodbEndpoint: 'http://localhost:8000',
      tokens: { issuer: 'https://auth.local', accessTokenTtlSeconds: 60 },
    });
  });

  it('keeps an absolute DATA_DIR as it is', () => {
    expect(readLocalConfig({ DATA_DIR: '/tmp/jwt' }, '/srv/app').dataDir).toBe('/tmp/jwt');
  });

  it.each([['abc'], ['-1'], ['65536'], ['80.5']])('throws ConfigError for PORT=%s', (port) => {
    expect(() => readLocalConfig({ PORT: port })).toThrow(ConfigError);
  });

  it.each([['localhost:8000'], ['ftp://localhost:8000']])(
    'throws ConfigError for DYNAMODB_ENDPOINT=%s',
    (endpoint) => {
      expect(() => readLocalConfig({ DYNAMODB_ENDPOINT: endpoint })).toThrow(ConfigError);
    },
  );

  it('throws ConfigError for a token setting the stack would refuse', () => {
    expect(() => readLocalConfig({ [ENV.accessTokenTtlSeconds]: 'soon' })).toThrow(ConfigError);
    expect(() => readLocalConfig({ [ENV.refreshGraceSeconds]: '90' })).toThrow(ConfigError);
  });

  it('switches the outbox route on with OUTBOX_SECRET only, refusing a short or spaced one', () => {
    expect(readLocalConfig({}).outboxSecret).toBeUndefined();
    expect(readLocalConfig({ OUTBOX_SECRET: 'sixteen-chars-ok' }).outboxSecret).toBe(
      'sixteen-chars-ok',
    );
    expect(() => readLocalConfig({ OUTBOX_SECRET: 'short' })).toThrow(/OUTBOX_SECRET/);
    expect(() => readLocalConfig({ OUTBOX_SECRET: 'has a space in it ok' })).toThrow(ConfigError);
  });
});

describe('handlerEnvironment', () => {
  const base = {
    dataDir: '/data',
    endpoint: 'http://127.0.0.1:4567',
    tables: LOCAL_TABLE_NAMES,
  };

  it('points the handlers at the tables, the endpoint and a key in the data folder', () => {
    const env = handlerEnvironment({ ...base, env: {} });

    expect(env).toMatchObject({
      ...tableEnvironment(LOCAL_TABLE_NAMES),
      [ENV.dynamodbEndpoint]: 'http://127.0.0.1:4567',
      [ENV.localKeyDir]: '/data',
    });
  });

  it.each([['http://127.0.0.1:4567'], ['http://localhost:8000']])(
    'adds dummy AWS credentials for a loopback engine at %s when none are set',
    (endpoint) => {
      const env = handlerEnvironment({ ...base, endpoint, env: {} });

      expect(env.AWS_REGION).toEqual(expect.any(String));
      expect(env.AWS_ACCESS_KEY_ID).toEqual(expect.any(String));
      expect(env.AWS_SECRET_ACCESS_KEY).toEqual(expect.any(String));
    },
  );

  it('leaves credentials alone when they are set or the endpoint is not on this machine', () => {
    const set = handlerEnvironment({
      ...base,
      env: { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'mine' },
    });
    const external = handlerEnvironment({
      ...base,
      endpoint: 'https://dynamodb.eu-west-1.amazonaws.com',
      env: {},
    });

    expect(set).not.toHaveProperty('AWS_REGION');
    expect(set).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(external).not.toHaveProperty('AWS_REGION');
    expect(external).not.toHaveProperty('AWS_ACCESS_KEY_ID');
  });
});

describe('tableNames', () => {
  it('uses the table variables when set, else the local names', () => {
    expect(tableNames({})).toEqual(LOCAL_TABLE_NAMES);
    expect(tableNames({ [TABLES.users.envVar]: 'prod-users' })).toEqual({
      ...LOCAL_TABLE_NAMES,
      users: 'prod-users',
    });
  });
});

describe('handlerEnvironment: the token issuer', () => {
  const base = {
    dataDir: '/data',
    endpoint: 'http://127.0.0.1:4567',
    tables: LOCAL_TABLE_NAMES,
    baseUrl: 'http://127.0.0.1:3000',
  };

  it('is the server URL by default, and tokens of the old default issuer stay valid', () => {
    const env = handlerEnvironment({ ...base, env: {} });

    expect(env[ENV.issuer]).toBe('http://127.0.0.1:3000');
    expect(env[ENV.acceptedIssuers]).toBe('serverless-jwt-auth');
    expect(env[ENV.introspectionAuthMethod]).toBe('client_secret_basic');
  });

  it('is TOKEN_ISSUER when set, with no earlier issuer accepted', () => {
    const env = handlerEnvironment({ ...base, env: { [ENV.issuer]: 'https://auth.example' } });

    expect(env[ENV.issuer]).toBe('https://auth.example');
    expect(env[ENV.acceptedIssuers]).toBeUndefined();
  });
});

describe('rememberIssuer and the earlier issuers of a data folder', () => {
  it('records each issuer once and returns the earlier ones, which the handlers accept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'issuers-'));
    expect(await rememberIssuer(dir, 'http://127.0.0.1:3000')).toEqual([]);
    expect(await rememberIssuer(dir, 'http://127.0.0.1:4000')).toEqual(['http://127.0.0.1:3000']);
    expect(await rememberIssuer(dir, 'http://127.0.0.1:3000')).toEqual(['http://127.0.0.1:4000']);

    const env = handlerEnvironment({
      env: {},
      dataDir: dir,
      endpoint: 'http://127.0.0.1:4567',
      tables: LOCAL_TABLE_NAMES,
      baseUrl: 'http://127.0.0.1:3000',
      earlierIssuers: ['http://127.0.0.1:4000'],
    });
    expect(env[ENV.acceptedIssuers]).toBe('serverless-jwt-auth,http://127.0.0.1:4000');
  });
});
