/**
 * The deployed authorizer module, wired from environment variables as in AWS,
 * against the embedded DynamoDB: a revocation written to the table is seen by
 * the very next authorization.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ENV } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';
import { createLocalSigner } from '../../lambdas/signing/local-signer';
import { createRevokedTokenStore } from '../../lambdas/store/revoked-tokens';
import { createTokenIssuer } from '../../lambdas/tokens/issue';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';
import { TEST_SETTINGS } from '../support/keys';

let dynamo: TestDynamo;
let keyDir: string;
let handler: (event: APIGatewayTokenAuthorizerEvent) => Promise<unknown>;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  keyDir = await mkdtemp(join(tmpdir(), 'jwt-auth-authorizer-'));
  Object.assign(process.env, {
    ...tableEnvironment(dynamo.tables),
    [ENV.localKeyDir]: keyDir,
    [ENV.dynamodbEndpoint]: dynamo.endpoint,
    [ENV.issuer]: TEST_SETTINGS.issuer,
    [ENV.audience]: TEST_SETTINGS.audience,
  });
  ({ handler } = await import('../../lambdas/handlers/authorizer'));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await dynamo.close();
});

async function issueAccessToken() {
  const issuer = createTokenIssuer({ signer: createLocalSigner(keyDir), settings: TEST_SETTINGS });
  const { access } = await issuer.issuePair({
    sub: 'user-1',
    sid: 'session-1',
    username: 'alice',
    sessionExpiresAt: issuer.sessionExpiresAt(),
  });
  return access;
}

const event = (token: string): APIGatewayTokenAuthorizerEvent => ({
  type: 'TOKEN',
  authorizationToken: `Bearer ${token}`,
  methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/auth/me',
});

describe('authorizer handler module', () => {
  it('allows a live token and refuses it on the next request after it is revoked', async () => {
    const access = await issueAccessToken();
    await expect(handler(event(access.token))).resolves.toMatchObject({ principalId: 'user-1' });

    await createRevokedTokenStore(dynamo.documents, dynamo.tables.revokedTokens).revoke({
      jti: access.claims.jti,
      sub: access.claims.sub,
      sid: access.claims.sid,
      tokenUse: 'access',
      reason: 'logout',
      expiresAt: access.claims.exp,
      revokedAt: new Date().toISOString(),
    });

    await expect(handler(event(access.token))).rejects.toThrow(/^Unauthorized$/);
  });
});
