/**
 * `npm run bench`: what a request costs on the hot paths, measured in-process
 * on this machine. The authorizer figures include one strongly consistent
 * GetItem against the embedded engine on loopback; in AWS that read is a
 * DynamoDB round trip (single-digit milliseconds) instead.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createPasswordHasher } from '../lambdas/auth/passwords';
import { DEFAULTS } from '../lambdas/config';
import { createAuthorizer } from '../lambdas/http/authorizer';
import { createLocalSigner } from '../lambdas/signing/local-signer';
import { createDocumentClient } from '../lambdas/store/dynamo';
import { createRevokedTokenStore } from '../lambdas/store/revoked-tokens';
import { createTokenIssuer } from '../lambdas/tokens/issue';
import { createTokenVerifier } from '../lambdas/tokens/verify';
import { startEmbeddedDynamo } from '../local/embedded-dynamo';
import { ensureTables, LOCAL_TABLE_NAMES } from '../local/tables';
import { type Figures, measure, printTable } from './measure';
import { benchSessions } from './sessions';

process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);

async function main(): Promise<void> {
  const settings = { ...DEFAULTS };
  const signer = createLocalSigner(await mkdtemp(join(tmpdir(), 'jwt-auth-bench-')));
  const issuer = createTokenIssuer({ signer, settings });
  const verifier = createTokenVerifier({ keys: signer, settings });
  const subject = { sub: 'user', sid: 'session', username: 'alice' };
  const pair = await issuer.issuePair({ ...subject, sessionExpiresAt: issuer.sessionExpiresAt() });

  const engine = await startEmbeddedDynamo();
  await ensureTables(new DynamoDBClient({ endpoint: engine.endpoint }));
  const revokedTokens = createRevokedTokenStore(
    createDocumentClient({ endpoint: engine.endpoint }),
    LOCAL_TABLE_NAMES.revokedTokens,
  );
  const authorize = createAuthorizer({ verifier, revokedTokens });
  const event: APIGatewayTokenAuthorizerEvent = {
    type: 'TOKEN',
    authorizationToken: `Bearer ${pair.access.token}`,
    methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/auth/me',
  };
  // A revoked token: the authorizer's answer to it must cost the same read.
  const revoked = await issuer.issuePair({
    ...subject,
    sessionExpiresAt: issuer.sessionExpiresAt(),
  });
  await revokedTokens.revoke({
    jti: revoked.access.claims.jti,
    sub: 'user',
    sid: 'session',
    tokenUse: 'access',
    reason: 'logout',
    expiresAt: revoked.access.claims.exp,
    revokedAt: new Date().toISOString(),
  });
  const revokedEvent = { ...event, authorizationToken: `Bearer ${revoked.access.token}` };
  const silence = console.log;

  const rows: Figures[] = [];
  rows.push(
    await measure('issue access + refresh pair (local ES256)', ITERATIONS, () =>
      issuer.issuePair({ ...subject, sessionExpiresAt: issuer.sessionExpiresAt() }),
    ),
  );
  rows.push(
    await measure('verify access token (signature + claims)', ITERATIONS, () =>
      verifier.verify(pair.access.token, 'access'),
    ),
  );
  rows.push(
    await measure('isRevoked (GetItem, embedded engine)', ITERATIONS, () =>
      revokedTokens.isRevoked(pair.access.claims.jti),
    ),
  );
  rows.push(await measure('authorizer: live token -> Allow', ITERATIONS, () => authorize(event)));
  console.log = () => undefined; // the authorizer logs each refusal
  rows.push(
    await measure('authorizer: revoked token -> Unauthorized', ITERATIONS, () =>
      authorize(revokedEvent).catch(() => undefined),
    ),
  );
  console.log = silence;

  // scrypt at OWASP cost dominates login, register and password change.
  const hasher = createPasswordHasher();
  const stored = await hasher.hash('correct horse battery');
  const HASHES = Number(process.env.BENCH_HASHES ?? 5);
  rows.push(
    await measure('password verify, known user (scrypt N=2^17)', HASHES, () =>
      hasher.verify('correct horse battery', stored),
    ),
  );
  rows.push(
    await measure('password verify, unknown user (dummy hash)', HASHES, () =>
      hasher.verify('correct horse battery', undefined),
    ),
  );

  rows.push(...(await benchSessions(engine.endpoint)));

  printTable(rows);
  const memory = process.memoryUsage();
  console.log(
    `\nprocess memory after the run: rss ${(memory.rss / 2 ** 20).toFixed(1)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(1)} MiB`,
  );
  await engine.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
