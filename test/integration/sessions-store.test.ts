import type { SessionRecord } from '../../lambdas/auth/ports';
import { queryAll } from '../../lambdas/store/dynamo';
import { createSessionStore } from '../../lambdas/store/sessions';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const session: SessionRecord = {
  userId: 'user-1',
  sessionId: 'session-1',
  username: 'alice',
  accessJti: 'access-1',
  accessExp: 1_900_000_000,
  refreshJti: 'refresh-1',
  refreshExp: 1_900_000_000,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: 1_900_000_000,
};

describe('Sessions store on the embedded engine', () => {
  const store = () => createSessionStore(dynamo.documents, dynamo.tables.sessions);

  it('deletes a session only while it holds the refresh token the caller saw', async () => {
    await store().create(session);

    await expect(store().remove('user-1', 'session-1', 'refresh-0')).resolves.toBe(false);
    await expect(store().get('user-1', 'session-1')).resolves.toMatchObject({
      refreshJti: 'refresh-1',
    });

    await expect(store().remove('user-1', 'session-1', 'refresh-1')).resolves.toBe(true);
    await expect(store().get('user-1', 'session-1')).resolves.toBeUndefined();
  });

  it('reports a missing session as not removed', async () => {
    await expect(store().remove('user-1', 'no-such-session', 'refresh-1')).resolves.toBe(false);
  });

  const rotation = {
    accessJti: 'access-2',
    accessExp: 1_900_000_100,
    refreshJti: 'refresh-2',
    refreshExp: 1_900_000_000,
    refreshedAt: '2026-01-01T00:10:00.000Z',
    issuedAt: 1_767_226_200,
    rotatedAt: 1_767_226_200_123,
  };

  it('rotates only from the current refresh token', async () => {
    await store().create({ ...session, sessionId: 'session-2' });

    await expect(
      store().rotate('user-1', 'session-2', { ...rotation, previousRefreshJti: 'refresh-1' }),
    ).resolves.toBe(true);
    await expect(
      store().rotate('user-1', 'session-2', { ...rotation, previousRefreshJti: 'refresh-1' }),
    ).resolves.toBe(false);
    await expect(store().get('user-1', 'session-2')).resolves.toMatchObject({
      refreshJti: 'refresh-2',
      refreshedAt: '2026-01-01T00:10:00.000Z',
    });
  });

  it('steps up only from the current refresh token: the new pair and amr, no rotation record', async () => {
    await store().create({ ...session, sessionId: 'session-up', amr: ['pwd'] });
    await store().rotate('user-1', 'session-up', { ...rotation, previousRefreshJti: 'refresh-1' });
    const { issuedAt: _, rotatedAt: __, ...pair } = { ...rotation, refreshJti: 'refresh-3' };
    const step = { ...pair, previousRefreshJti: 'refresh-2', amr: ['pwd', 'otp', 'mfa'] };

    await expect(store().stepUp('user-1', 'session-up', step)).resolves.toBe(true);
    await expect(store().stepUp('user-1', 'session-up', step)).resolves.toBe(false);
    await expect(
      store().stepUp('user-1', 'no-such-session', { ...step, previousRefreshJti: 'refresh-1' }),
    ).resolves.toBe(false);
    expect(await store().get('user-1', 'session-up')).toEqual({
      ...session,
      sessionId: 'session-up',
      accessJti: 'access-2',
      accessExp: 1_900_000_100,
      refreshJti: 'refresh-3',
      refreshedAt: '2026-01-01T00:10:00.000Z',
      amr: ['pwd', 'otp', 'mfa'],
    });
  });

  it('records the successor and the replaced token in the rotating write', async () => {
    await store().create({ ...session, sessionId: 'session-3' });

    await store().rotate('user-1', 'session-3', { ...rotation, previousRefreshJti: 'refresh-1' });

    expect(await store().get('user-1', 'session-3')).toEqual({
      ...session,
      sessionId: 'session-3',
      accessJti: 'access-2',
      accessExp: 1_900_000_100,
      refreshJti: 'refresh-2',
      refreshExp: 1_900_000_000,
      refreshedAt: '2026-01-01T00:10:00.000Z',
      lastRotation: {
        previousRefreshJti: 'refresh-1',
        refreshJti: 'refresh-2',
        issuedAt: 1_767_226_200,
        rotatedAt: 1_767_226_200_123,
      },
    });
  });

  it.each([
    ['scopes and roles', { scope: 'notes:read notes:write', roles: ['editor'] }],
    ['no scopes and no roles', { scope: '', roles: [] }],
  ])('records the new pair’s claims (%s) with the rotation, for replays', async (_, claims) => {
    const sessionId = `session-claims-${claims.roles.length}`;
    await store().create({ ...session, sessionId });

    await store().rotate('user-1', sessionId, {
      ...rotation,
      previousRefreshJti: 'refresh-1',
      claims,
    });

    expect((await store().get('user-1', sessionId))?.lastRotation?.claims).toEqual(claims);
  });

  it('lets exactly one of concurrent rotations from one token write, and every loser read its record', async () => {
    await store().create({ ...session, sessionId: 'session-4' });

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store().rotate('user-1', 'session-4', {
          ...rotation,
          accessJti: `access-${i}`,
          refreshJti: `refresh-next-${i}`,
          previousRefreshJti: 'refresh-1',
        }),
      ),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store().get('user-1', 'session-4')).toMatchObject({
      accessJti: `access-${winner}`,
      refreshJti: `refresh-next-${winner}`,
      lastRotation: { previousRefreshJti: 'refresh-1', refreshJti: `refresh-next-${winner}` },
    });
  });

  it('reads an item stored before rotations were recorded, and rotates it', async () => {
    // What older versions wrote: no lastRotation, refreshedAt from their own rotation.
    await store().create({
      ...session,
      sessionId: 'session-5',
      refreshedAt: '2025-12-31T00:00:00.000Z',
    });
    const old = await store().get('user-1', 'session-5');
    expect(old?.lastRotation).toBeUndefined();

    await expect(
      store().rotate('user-1', 'session-5', { ...rotation, previousRefreshJti: 'refresh-1' }),
    ).resolves.toBe(true);
    expect((await store().get('user-1', 'session-5'))?.lastRotation).toMatchObject({
      previousRefreshJti: 'refresh-1',
    });
  });

  it('refuses to rotate a deleted session', async () => {
    await store().create({ ...session, sessionId: 'session-6' });
    await store().remove('user-1', 'session-6', 'refresh-1');

    await expect(
      store().rotate('user-1', 'session-6', { ...rotation, previousRefreshJti: 'refresh-1' }),
    ).resolves.toBe(false);
    await expect(store().get('user-1', 'session-6')).resolves.toBeUndefined();
  });
});

describe('queryAll on the embedded engine', () => {
  it('reads every item of a partition, page after page', async () => {
    const store = createSessionStore(dynamo.documents, dynamo.tables.sessions);
    for (let i = 1; i <= 5; i += 1) {
      await store.create({ ...session, userId: 'user-paged', sessionId: `session-${i}` });
    }

    // Pages of two items: three pages for five.
    const items = await queryAll<SessionRecord>(dynamo.documents, {
      TableName: dynamo.tables.sessions,
      KeyConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': 'user-paged' },
      Limit: 2,
    });

    expect(items.map((item) => item.sessionId).sort()).toEqual(
      [1, 2, 3, 4, 5].map((i) => `session-${i}`),
    );
  });
});
