/**
 * The Users store on the embedded engine: the conditional writes the domain's
 * rules rely on (unique names; a password change only from the hash the
 * caller checked, by the user it checked).
 */
import type { UserRecord } from '../../lambdas/auth/ports';
import { UsernameTakenError } from '../../lambdas/errors';
import { createUserStore } from '../../lambdas/store/users';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const alice: UserRecord = {
  username: 'alice',
  userId: 'AAAAAAAAAAAAAAAAAAAAAA',
  passwordHash: 'scrypt$first',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('Users store on the embedded engine', () => {
  const store = () => createUserStore(dynamo.documents, dynamo.tables.users);

  it('creates a name once; a second create of it fails and keeps the first', async () => {
    await store().create(alice);

    await expect(
      store().create({ ...alice, userId: 'BBBBBBBBBBBBBBBBBBBBBB' }),
    ).rejects.toBeInstanceOf(UsernameTakenError);
    await expect(store().find('alice')).resolves.toEqual(alice);
  });

  it('changes a password only from the hash the caller saw, for the user it saw', async () => {
    const change = { username: 'alice', userId: alice.userId, passwordHash: 'scrypt$second' };

    await expect(store().changePassword({ ...change, previousHash: 'scrypt$stale' })).resolves.toBe(
      false,
    );
    await expect(
      store().changePassword({
        ...change,
        userId: 'BBBBBBBBBBBBBBBBBBBBBB',
        previousHash: alice.passwordHash,
      }),
    ).resolves.toBe(false);
    await expect(
      store().changePassword({ ...change, previousHash: alice.passwordHash }),
    ).resolves.toBe(true);
    await expect(store().find('alice')).resolves.toMatchObject({ passwordHash: 'scrypt$second' });
  });

  it('reports a missing user as unchanged', async () => {
    await expect(
      store().changePassword({
        username: 'nobody',
        userId: alice.userId,
        previousHash: 'x',
        passwordHash: 'y',
      }),
    ).resolves.toBe(false);
  });
});
