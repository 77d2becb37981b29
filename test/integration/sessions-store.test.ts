import type { SessionRecord } from '../../lambdas/auth/ports';
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

  it('rotates only from the current refresh token', async () => {
    await store().create({ ...session, sessionId: 'session-2' });
    const rotation = {
      accessJti: 'access-2',
      accessExp: 1_900_000_100,
      refreshJti: 'refresh-2',
      refreshExp: 1_900_000_000,
      refreshedAt: '2026-01-01T00:10:00.000Z',
    };

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
});
