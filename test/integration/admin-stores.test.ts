/**
 * What the admin actions need from the DynamoDB stores, on the embedded
 * engine: the disabled mark (one conditional write that also bumps the
 * credentials version, never creating an item; old items read as enabled),
 * and reading a whole revocation item back, with or without the audit fields.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Revocation, UserRecord } from '../../lambdas/auth/ports';
import { createRevokedTokenStore } from '../../lambdas/store/revoked-tokens';
import { createUserStore } from '../../lambdas/store/users';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const users = () => createUserStore(dynamo.documents, dynamo.tables.users);
const revokedTokens = () => createRevokedTokenStore(dynamo.documents, dynamo.tables.revokedTokens);

const carol: UserRecord = {
  username: 'carol',
  userId: 'CCCCCCCCCCCCCCCCCCCCCC',
  passwordHash: 'scrypt$x',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const change = {
  username: 'carol',
  userId: carol.userId,
  at: '2026-01-02T00:00:00.000Z',
  by: 'arn:aws:iam::123456789012:user/oncall',
};

describe('the disabled mark on the Users table', () => {
  it('disables with who/when/why and a version bump in one write; enables without a bump', async () => {
    // An item as stored before `disabled` and `credentialsVersion` existed.
    await dynamo.documents.send(new PutCommand({ TableName: dynamo.tables.users, Item: carol }));
    expect(await users().find('carol')).not.toHaveProperty('disabled');

    await expect(users().disable({ ...change, note: 'INC-1' })).resolves.toBe(true);
    expect(await users().find('carol')).toMatchObject({
      disabled: true,
      statusChangedAt: change.at,
      statusChangedBy: change.by,
      statusNote: 'INC-1',
      credentialsVersion: 1,
    });

    await expect(users().enable({ ...change, at: '2026-01-03T00:00:00.000Z' })).resolves.toBe(true);
    const enabled = await users().find('carol');
    expect(enabled).toMatchObject({
      disabled: false,
      statusChangedAt: '2026-01-03T00:00:00.000Z',
      credentialsVersion: 1,
    });
    // No reason given this time: the last one does not linger.
    expect(enabled).not.toHaveProperty('statusNote');
  });

  it('never creates an item, and refuses another user’s name', async () => {
    await expect(users().disable({ ...change, username: 'nobody' })).resolves.toBe(false);
    await expect(users().enable({ ...change, username: 'nobody' })).resolves.toBe(false);
    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: dynamo.tables.users, Key: { username: 'nobody' } }),
    );
    expect(Item).toBeUndefined();
    await expect(users().disable({ ...change, userId: 'DDDDDDDDDDDDDDDDDDDDDD' })).resolves.toBe(
      false,
    );
  });
});

describe('reading a revocation item', () => {
  const base: Revocation = {
    jti: 'jti-with-audit',
    sub: 'u',
    sid: 's',
    tokenUse: 'access',
    reason: 'admin_revoked',
    expiresAt: 1_800_000_000,
    revokedAt: '2026-01-01T00:00:00.000Z',
    userAgent: 'serverless-jwt-auth-admin (host)',
    actor: 'alice@host',
    action: 'revoke_sessions',
    note: 'INC-2',
  };

  it('reads back every attribute, audit fields included; an old item without them; none', async () => {
    await revokedTokens().revoke(base);
    await expect(revokedTokens().find(base.jti)).resolves.toEqual(base);

    const { actor: _a, action: _b, note: _c, userAgent: _d, ...old } = base;
    await revokedTokens().revoke({ ...old, jti: 'old-item', reason: 'logout' });
    await expect(revokedTokens().find('old-item')).resolves.toEqual({
      ...old,
      jti: 'old-item',
      reason: 'logout',
    });
    await expect(revokedTokens().find('never')).resolves.toBeUndefined();
  });
});
