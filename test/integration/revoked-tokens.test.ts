import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Revocation } from '../../lambdas/auth/ports';
import { UnavailableError } from '../../lambdas/errors';
import { createDocumentClient } from '../../lambdas/store/dynamo';
import { createRevokedTokenStore } from '../../lambdas/store/revoked-tokens';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const revocation = (jti: string, overrides: Partial<Revocation> = {}): Revocation => ({
  jti,
  sub: 'user-1',
  sid: 'session-1',
  tokenUse: 'access',
  reason: 'logout',
  expiresAt: 1_900_000_000,
  revokedAt: '2026-01-01T00:00:00.000Z',
  ip: '203.0.113.7',
  userAgent: 'jest',
  ...overrides,
});

describe('RevokedTokens store on the embedded engine', () => {
  const store = () => createRevokedTokenStore(dynamo.documents, dynamo.tables.revokedTokens);

  it('reports a revoked jti as revoked', async () => {
    await store().revoke(revocation('jti-revoked'));

    await expect(store().isRevoked('jti-revoked')).resolves.toBe(true);
  });

  it('reports an unknown jti as not revoked', async () => {
    await expect(store().isRevoked('jti-never-seen')).resolves.toBe(false);
  });

  it('stores expiresAt as a Number equal to the token exp, with the metadata', async () => {
    await store().revoke(revocation('jti-ttl', { expiresAt: 1_912_345_678 }));

    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tables.revokedTokens,
        Key: { jti: { S: 'jti-ttl' } },
        ConsistentRead: true,
      }),
    );
    expect(Item).toEqual({
      jti: { S: 'jti-ttl' },
      expiresAt: { N: '1912345678' },
      sub: { S: 'user-1' },
      sid: { S: 'session-1' },
      tokenUse: { S: 'access' },
      reason: { S: 'logout' },
      revokedAt: { S: '2026-01-01T00:00:00.000Z' },
      ip: { S: '203.0.113.7' },
      userAgent: { S: 'jest' },
    });
  });

  it('keeps the first revocation and says so when a token is revoked twice', async () => {
    await expect(store().revoke(revocation('jti-twice', { reason: 'rotated' }))).resolves.toBe(
      true,
    );

    await expect(store().revoke(revocation('jti-twice', { reason: 'logout' }))).resolves.toBe(
      false,
    );

    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tables.revokedTokens,
        Key: { jti: { S: 'jti-twice' } },
      }),
    );
    expect(Item?.reason).toEqual({ S: 'rotated' });
  });

  it('lets exactly one of many concurrent revocations of one jti win', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        store().revoke(revocation('jti-race', { reason: 'rotated' })),
      ),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('fails with UnavailableError, not "not revoked", when the store is unreachable', async () => {
    const unreachable = createRevokedTokenStore(
      createDocumentClient({ endpoint: 'http://127.0.0.1:9' }),
      dynamo.tables.revokedTokens,
    );

    await expect(unreachable.isRevoked('jti-revoked')).rejects.toBeInstanceOf(UnavailableError);
    await expect(unreachable.revoke(revocation('jti-x'))).rejects.toBeInstanceOf(UnavailableError);
  });
});
