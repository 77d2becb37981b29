import {
  ConfigError,
  DEFAULTS,
  ENV,
  LEGACY_DEFAULT_ISSUER,
  loadConfig,
  readTokenSettings,
} from '../../lambdas/config';
import { LOGICAL_TABLE_NAMES, TABLES, tableEnvironment } from '../../lambdas/contract/tables';

const base = {
  ...tableEnvironment(),
  [ENV.kmsKeyId]: 'alias/signing',
  [ENV.refreshTokenKeyId]: 'refresh-key',
};

describe('loadConfig', () => {
  it('reads tables and the KMS key, with the default lifetimes (15 min, 30 days)', () => {
    expect(loadConfig(base)).toEqual({
      tables: LOGICAL_TABLE_NAMES,
      tokens: {
        issuer: LEGACY_DEFAULT_ISSUER,
        audience: DEFAULTS.audience,
        // RFC 9068's client_id: the audience unless configured (the stack sets its name).
        clientId: DEFAULTS.audience,
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 2_592_000,
      },
      roles: { scopes: {}, defaultRoles: [] },
      signing: { kind: 'kms', keyId: 'alias/signing' },
      refreshTokens: { format: 'opaque', key: { kind: 'kms', keyId: 'refresh-key' } },
      signupOpen: true,
      refreshGraceSeconds: 30,
      corsOrigins: [],
      introspectionAuthMethod: 'aws_sigv4',
      maxSessionsPerUser: 100,
      lockout: { threshold: 5, maxLockSeconds: 900, accountCeilingPerHour: 30 },
    });
  });

  it('reads the refresh token format and its key: opaque needs the KMS key in AWS', () => {
    expect(
      loadConfig({
        ...base,
        [ENV.refreshTokenFormat]: 'opaque',
        [ENV.refreshTokenKeyId]: 'key-id',
      }).refreshTokens,
    ).toEqual({ format: 'opaque', key: { kind: 'kms', keyId: 'key-id' } });
    const withoutKey = { ...base, [ENV.refreshTokenKeyId]: undefined };
    expect(() => loadConfig({ ...withoutKey, [ENV.refreshTokenFormat]: 'opaque' })).toThrow(
      ConfigError,
    );
    expect(loadConfig({ ...withoutKey, [ENV.refreshTokenFormat]: 'jwt' }).refreshTokens).toEqual({
      format: 'jwt',
    });
    expect(() => loadConfig({ ...base, [ENV.refreshTokenFormat]: 'paseto' })).toThrow(
      /REFRESH_TOKEN_FORMAT must be one of jwt, opaque/,
    );
  });

  it('keeps the local refresh-token key beside the local signing key', () => {
    const local = {
      ...base,
      [ENV.kmsKeyId]: undefined,
      [ENV.refreshTokenKeyId]: undefined,
      [ENV.localKeyDir]: '/tmp/keys',
    };
    expect(loadConfig(local).refreshTokens).toMatchObject({
      key: { kind: 'local', keyDir: '/tmp/keys' },
    });
  });

  it('reads the refresh grace window, 0 (strict) to 60 seconds', () => {
    expect(loadConfig({ ...base, [ENV.refreshGraceSeconds]: '0' }).refreshGraceSeconds).toBe(0);
    expect(loadConfig({ ...base, [ENV.refreshGraceSeconds]: '60' }).refreshGraceSeconds).toBe(60);
  });

  it('reads the lockout threshold (1-100), longest lock (1-3600 s) and account ceiling (1-10000/h)', () => {
    expect(
      loadConfig({
        ...base,
        [ENV.loginLockoutThreshold]: '10',
        [ENV.loginLockoutMaxSeconds]: '60',
        [ENV.loginAccountCeilingPerHour]: '100',
      }).lockout,
    ).toEqual({ threshold: 10, maxLockSeconds: 60, accountCeilingPerHour: 100 });
  });

  it('reads the CORS origins, comma-separated', () => {
    expect(
      loadConfig({ ...base, [ENV.corsOrigins]: ' https://a.example, https://b.example ,' })
        .corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });

  it('reads the session cap', () => {
    expect(loadConfig({ ...base, [ENV.maxSessionsPerUser]: '5' }).maxSessionsPerUser).toBe(5);
  });

  it('uses the local key folder and the DynamoDB endpoint when no KMS key is set', () => {
    const config = loadConfig({
      ...base,
      [ENV.kmsKeyId]: undefined,
      [ENV.localKeyDir]: '.data',
      [ENV.dynamodbEndpoint]: 'http://127.0.0.1:4567',
      [ENV.signupOpen]: 'false',
    });

    expect(config.signing).toEqual({ kind: 'local', keyDir: '.data' });
    expect(config.dynamodbEndpoint).toBe('http://127.0.0.1:4567');
    expect(config.signupOpen).toBe(false);
  });

  it.each([
    ['a missing table name', { [TABLES.users.envVar]: undefined }, /USERS_TABLE is required/],
    ['no signing key at all', { [ENV.kmsKeyId]: undefined }, /SIGNING_KMS_KEY_ID/],
    [
      'a non-numeric lifetime',
      { [ENV.accessTokenTtlSeconds]: '15m' },
      /ACCESS_TOKEN_TTL_SECONDS must be an integer/,
    ],
    [
      'a zero lifetime',
      { [ENV.refreshTokenTtlSeconds]: '0' },
      /REFRESH_TOKEN_TTL_SECONDS must be from 60/,
    ],
    [
      'an access lifetime longer than the session',
      { [ENV.accessTokenTtlSeconds]: '7200', [ENV.refreshTokenTtlSeconds]: '3600' },
      /must not exceed/,
    ],
    ['a sign-up flag that is not a boolean', { [ENV.signupOpen]: 'maybe' }, /true or false/],
    ['a grace window above 60 s', { [ENV.refreshGraceSeconds]: '61' }, /0 to 60/],
    ['a lockout threshold of 0', { [ENV.loginLockoutThreshold]: '0' }, /1 to 100/],
    ['a lock above an hour', { [ENV.loginLockoutMaxSeconds]: '3601' }, /1 to 3600/],
    ['an account ceiling of 0', { [ENV.loginAccountCeilingPerHour]: '0' }, /1 to 10000/],
    [
      'a missing LoginAttempts table',
      { [TABLES.loginAttempts.envVar]: undefined },
      /LOGIN_ATTEMPTS_TABLE/,
    ],
    ['a negative grace window', { [ENV.refreshGraceSeconds]: '-1' }, /0 to 60/],
    ['a fractional grace window', { [ENV.refreshGraceSeconds]: '1.5' }, /0 to 60/],
    ['a session cap of 0', { [ENV.maxSessionsPerUser]: '0' }, /from 1 to 1000/],
    ['a session cap above 1000', { [ENV.maxSessionsPerUser]: '1001' }, /from 1 to 1000/],
  ])('fails fast on %s', (_, overrides, message) => {
    expect(() => loadConfig({ ...base, ...overrides })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...overrides })).toThrow(message);
  });
});

describe('loadConfig, public key set', () => {
  const jwkOf = async () => {
    const { generateP256 } = await import('../support/keys');
    const { toPublicJwk } = await import('../../lambdas/signing/signer');
    return toPublicJwk(generateP256().publicKey.export({ format: 'jwk' }));
  };

  it('reads the keys handed over at deploy time, the single key being the current one', async () => {
    const key = await jwkOf();

    const config = loadConfig({ ...base, [ENV.publicKeys]: JSON.stringify([key]) });

    expect(config.keySet).toEqual({ keys: [key], current: key });
  });

  it('names the current key among several by its kid', async () => {
    const [current, previous] = [await jwkOf(), await jwkOf()];

    const config = loadConfig({
      ...base,
      [ENV.publicKeys]: JSON.stringify([current, previous]),
      [ENV.currentKid]: current.kid,
    });

    expect(config.keySet).toEqual({ keys: [current, previous], current });
  });

  it('has no key set when none is configured (local mode: the signer’s own key)', () => {
    expect(loadConfig(base).keySet).toBeUndefined();
  });

  it.each([
    ['not JSON', () => 'keys', /not JSON/],
    ['an empty list', () => '[]', /non-empty/],
    ['a private key', async () => JSON.stringify([{ ...(await jwkOf()), d: 'secret' }]), /private/],
    [
      'a point off the curve',
      async () => JSON.stringify([{ ...(await jwkOf()), y: 'A'.repeat(43) }]),
      /valid P-256/,
    ],
    [
      'a key without kid',
      async () => JSON.stringify([{ ...(await jwkOf()), kid: undefined }]),
      /kid/,
    ],
    [
      'two keys and no current kid',
      async () => JSON.stringify([await jwkOf(), await jwkOf()]),
      /SIGNING_CURRENT_KID/,
    ],
  ])('fails fast on %s', async (_, raw, message) => {
    const env = { ...base, [ENV.publicKeys]: await raw() };

    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('fails fast on a current kid that is not in the set', async () => {
    const env = {
      ...base,
      [ENV.publicKeys]: JSON.stringify([await jwkOf()]),
      [ENV.currentKid]: 'another',
    };

    expect(() => loadConfig(env)).toThrow(/must name one key/);
  });
});

describe('readTokenSettings: accepted issuers', () => {
  it('reads the comma-separated earlier issuers, and none when unset', () => {
    expect(
      readTokenSettings({ [ENV.acceptedIssuers]: ' serverless-jwt-auth , https://old.example ' })
        .acceptedIssuers,
    ).toEqual(['serverless-jwt-auth', 'https://old.example']);
    expect(readTokenSettings({}).acceptedIssuers).toBeUndefined();
  });
});
