import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createAuthorizer } from '../../lambdas/http/authorizer';
import { LOCAL_KEY_FILE } from '../../lambdas/signing/local-signer';
import { createDynamoClient } from '../../lambdas/store/dynamo-client';
import { createRevocationLookup } from '../../lambdas/store/revocation-lookup';
import type { AccessTokenClaims } from '../../lambdas/tokens/claims';
import { createTokenIssuer } from '../../lambdas/tokens/issue';
import { createTokenVerifier } from '../../lambdas/tokens/verify';
import {
  createTestSigner,
  FROZEN_NOW,
  forgeJwt,
  frozenClock,
  generateP256,
  TEST_SETTINGS,
} from '../support/keys';

const dynamo = mockClient(DynamoDBClient);
const TABLE = 'RevokedTokens';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/auth/me';
const NOW = FROZEN_NOW.getTime() / 1000;

let logs: jest.SpyInstance;

beforeEach(() => {
  dynamo.on(GetItemCommand).resolves({});
  logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  dynamo.reset();
  jest.restoreAllMocks();
});

async function setup(clock = frozenClock) {
  const { signer, keyDir } = await createTestSigner();
  const issuer = createTokenIssuer({ signer, settings: TEST_SETTINGS, clock: frozenClock });
  const authorize = createAuthorizer({
    verifier: createTokenVerifier({ keys: signer, settings: TEST_SETTINGS, clock }),
    revokedTokens: createRevocationLookup(createDynamoClient(), TABLE),
  });
  const pair = await issuer.issuePair({
    sub: 'user-1',
    sid: 'session-1',
    username: 'alice',
    sessionExpiresAt: NOW + TEST_SETTINGS.refreshTokenTtlSeconds,
  });
  const kid = (await signer.publicKey()).kid;
  // The signer's own private key, to forge tokens the verifier trusts.
  const key = createPrivateKey(await readFile(join(keyDir, LOCAL_KEY_FILE), 'utf8'));
  const forge = (header: Record<string, unknown>, claims: Record<string, unknown>) =>
    forgeJwt(header, claims, { alg: 'ES256', key });
  return { authorize, pair, kid, forge };
}

const event = (authorizationToken: string): APIGatewayTokenAuthorizerEvent => ({
  type: 'TOKEN',
  authorizationToken,
  methodArn: METHOD_ARN,
});

/** The refusal API Gateway turns into a 401, and the reason the authorizer logged. */
async function expectUnauthorized(
  authorize: ReturnType<typeof createAuthorizer>,
  header: string,
  reason: string,
) {
  await expect(authorize(event(header))).rejects.toThrow(/^Unauthorized$/);
  const logged = logs.mock.calls.map(([line]) => JSON.parse(String(line)));
  expect(logged).toContainEqual(expect.objectContaining({ message: 'token refused', reason }));
}

/** Claims like an access token of ours, for forged tokens. */
function accessClaims(overrides: Partial<Record<keyof AccessTokenClaims, unknown>> = {}) {
  return {
    iss: TEST_SETTINGS.issuer,
    aud: TEST_SETTINGS.audience,
    sub: 'user-1',
    sid: 'session-1',
    jti: 'forged-jti',
    iat: NOW,
    exp: NOW + 600,
    token_use: 'access',
    username: 'alice',
    ...overrides,
  };
}

describe('TOKEN authorizer', () => {
  it('allows a valid access token with its identity as context', async () => {
    const { authorize, pair } = await setup();

    const result = await authorize(event(`Bearer ${pair.access.token}`));

    expect(result).toEqual({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*',
          },
        ],
      },
      context: {
        sub: 'user-1',
        sid: 'session-1',
        jti: pair.access.claims.jti,
        username: 'alice',
        exp: String(pair.access.claims.exp),
        scope: '',
        roles: '',
        amr: 'pwd',
      },
    });
  });

  it('looks the jti up with one strongly consistent read', async () => {
    const { authorize, pair } = await setup();

    await authorize(event(`Bearer ${pair.access.token}`));

    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: TABLE,
      Key: { jti: { S: pair.access.claims.jti } },
      ConsistentRead: true,
    });
  });

  it('refuses a revoked token', async () => {
    const { authorize, pair } = await setup();
    dynamo
      .on(GetItemCommand, { Key: { jti: { S: pair.access.claims.jti } } })
      .resolves({ Item: { jti: { S: pair.access.claims.jti } } });

    await expectUnauthorized(authorize, `Bearer ${pair.access.token}`, 'revoked');
  });

  it('refuses an expired token without reading the store', async () => {
    const { authorize, pair } = await setup(
      () => new Date((NOW + TEST_SETTINGS.accessTokenTtlSeconds + 60) * 1000),
    );

    await expectUnauthorized(authorize, `Bearer ${pair.access.token}`, 'expired');
    expect(dynamo).not.toHaveReceivedCommand(GetItemCommand);
  });

  it('refuses a token that is not yet valid', async () => {
    const { authorize, pair } = await setup(() => new Date((NOW - 3600) * 1000));

    await expectUnauthorized(authorize, `Bearer ${pair.access.token}`, 'not_yet_valid');
  });

  it('refuses a refresh token presented as an access token', async () => {
    const { authorize, pair } = await setup();

    await expectUnauthorized(authorize, `Bearer ${pair.refresh.token}`, 'wrong_type');
  });

  it('refuses alg none: its empty signature fails the header expression API Gateway applies', async () => {
    const { authorize, kid } = await setup();
    const token = forgeJwt({ typ: 'at+jwt', kid }, accessClaims(), { alg: 'none' });

    // The verifier's own refusal (bad_algorithm) is specified in tokens/verify.test.ts.
    await expectUnauthorized(authorize, `Bearer ${token}`, 'malformed');
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const { authorize, kid } = await setup();
    const { signer } = await createTestSigner();
    const publicJwk = JSON.stringify(await signer.publicKey());
    const token = forgeJwt({ typ: 'at+jwt', kid }, accessClaims(), {
      alg: 'HS256',
      secret: publicJwk,
    });

    await expectUnauthorized(authorize, `Bearer ${token}`, 'bad_algorithm');
  });

  it('refuses a tampered payload', async () => {
    const { authorize, pair } = await setup();
    const [header, , signature] = pair.access.token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...pair.access.claims, sub: 'admin', username: 'admin' }),
    ).toString('base64url');

    await expectUnauthorized(
      authorize,
      `Bearer ${header}.${payload}.${signature}`,
      'bad_signature',
    );
  });

  it('refuses a token signed by another key under our kid', async () => {
    const { authorize, kid } = await setup();
    const token = forgeJwt({ typ: 'at+jwt', kid }, accessClaims(), {
      alg: 'ES256',
      key: generateP256().privateKey,
    });

    await expectUnauthorized(authorize, `Bearer ${token}`, 'bad_signature');
  });

  it.each([
    ['a wrong iss', { iss: 'https://evil.test' }, 'claim_invalid'],
    ['a wrong aud', { aud: 'another-api' }, 'claim_invalid'],
    ['no jti', { jti: undefined }, 'claim_invalid'],
    ['no sid', { sid: undefined }, 'claim_invalid'],
    ['no exp', { exp: undefined }, 'claim_invalid'],
    ['token_use refresh in an at+jwt', { token_use: 'refresh' }, 'wrong_type'],
    // exp: 1e308 once reached GET /auth/me and answered 500.
    ['an absurd exp', { exp: 1e308 }, 'claim_invalid'],
    ['a malformed sub', { sub: 'u'.repeat(300) }, 'claim_invalid'],
    ['a malformed jti', { jti: 'not an id' }, 'claim_invalid'],
  ])('refuses a genuinely signed token with %s', async (_, overrides, reason) => {
    const { authorize, kid, forge } = await setup();
    const token = forge({ typ: 'at+jwt', kid }, accessClaims(overrides));

    await expectUnauthorized(authorize, `Bearer ${token}`, reason);
  });

  it('refuses a token with an unknown kid', async () => {
    const { authorize, forge } = await setup();
    const token = forge({ typ: 'at+jwt', kid: 'someone-elses-key' }, accessClaims());

    await expectUnauthorized(authorize, `Bearer ${token}`, 'unknown_key');
  });

  it.each([
    ['an empty header', '', 'missing'],
    ['a Basic header', 'Basic dXNlcjpwYXNz', 'malformed'],
    ['Bearer without a token', 'Bearer ', 'malformed'],
    ['a token that is not a JWT', 'Bearer abc', 'malformed'],
  ])('refuses %s', async (_, header, reason) => {
    const { authorize } = await setup();

    await expectUnauthorized(authorize, header, reason);
  });

  it('fails closed, with an error other than Unauthorized, when the store cannot be read', async () => {
    const { authorize, pair } = await setup();
    dynamo.on(GetItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    const authorizing = authorize(event(`Bearer ${pair.access.token}`));

    await expect(authorizing).rejects.toThrow(Error);
    await expect(authorizing).rejects.not.toThrow(/^Unauthorized$/);
  });
});
