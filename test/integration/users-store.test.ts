/**
 * The Users store on the embedded engine: the conditional writes the domain's
 * rules rely on (unique names; a password change only from the hash the
 * caller checked, by the user it checked), and the credentials version,
 * including items stored before the attribute existed.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UserRecord } from '../../lambdas/auth/ports';
import { UsernameTakenError } from '../../lambdas/errors';
import { createUserRoleStore } from '../../lambdas/store/user-roles';
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

const store = () => createUserStore(dynamo.documents, dynamo.tables.users);

/** A user item as the code before the credentials version wrote it. */
async function putLegacyUser(username: string) {
  await dynamo.documents.send(
    new PutCommand({
      TableName: dynamo.tables.users,
      Item: { username, userId: `id-${username}`, passwordHash: 'hash-0', createdAt: 'x' },
    }),
  );
  return { username, userId: `id-${username}` };
}

async function versionOf(username: string): Promise<unknown> {
  const { Item } = await dynamo.documents.send(
    new GetCommand({ TableName: dynamo.tables.users, Key: { username }, ConsistentRead: true }),
  );
  return Item?.credentialsVersion;
}

describe('Users store: credentials version', () => {
  it('starts a legacy item at 0: password change makes it 1, logout-all 2', async () => {
    const user = await putLegacyUser('legacy');

    await expect(
      store().changePassword({ ...user, previousHash: 'hash-0', passwordHash: 'hash-1' }),
    ).resolves.toBe(true);
    expect(await versionOf('legacy')).toBe(1);

    await expect(store().bumpCredentialsVersion(user)).resolves.toBe(true);
    expect(await versionOf('legacy')).toBe(2);
    await expect(store().find('legacy')).resolves.toMatchObject({
      passwordHash: 'hash-1',
      credentialsVersion: 2,
    });
  });

  it('leaves the version alone when re-hashing, and refuses a stale hash', async () => {
    const user = await putLegacyUser('rehash');

    await expect(
      store().rehashPassword({ ...user, previousHash: 'hash-0', passwordHash: 'hash-0b' }),
    ).resolves.toBe(true);
    expect(await versionOf('rehash')).toBeUndefined();
    await expect(
      store().changePassword({ ...user, previousHash: 'hash-0', passwordHash: 'hash-2' }),
    ).resolves.toBe(false);
    expect(await versionOf('rehash')).toBeUndefined();
  });

  it('bumps nothing, and creates no item, for an unknown user or another user id', async () => {
    const user = await putLegacyUser('owner');

    await expect(
      store().bumpCredentialsVersion({ username: 'owner', userId: 'someone-else' }),
    ).resolves.toBe(false);
    await expect(
      store().bumpCredentialsVersion({ username: 'nobody', userId: user.userId }),
    ).resolves.toBe(false);
    expect(await versionOf('owner')).toBeUndefined();
    await expect(store().find('nobody')).resolves.toBeUndefined();
  });
});

describe('roles on the embedded engine', () => {
  const store = () => ({
    ...createUserStore(dynamo.documents, dynamo.tables.users),
    ...createUserRoleStore(dynamo.documents, dynamo.tables.users),
  });
  const bob: UserRecord = { ...alice, username: 'bob', userId: 'CCCCCCCCCCCCCCCCCCCCCC' };

  it('reads an item stored before roles existed as holding none, and replaces them only from the roles read', async () => {
    await store().create(bob);
    const change = { username: 'bob', userId: bob.userId, bumpVersion: false };

    await expect(store().find('bob')).resolves.not.toHaveProperty('roles');
    await expect(store().setRoles({ ...change, previous: [], roles: ['editor'] })).resolves.toBe(
      false,
    );
    await expect(
      store().setRoles({ ...change, previous: undefined, roles: ['editor'] }),
    ).resolves.toBe(true);
    await expect(
      store().setRoles({ ...change, previous: undefined, roles: ['admin'] }),
    ).resolves.toBe(false);
    await expect(
      store().setRoles({ ...change, previous: ['editor'], roles: ['admin', 'editor'] }),
    ).resolves.toBe(true);
    await expect(store().find('bob')).resolves.toMatchObject({ roles: ['admin', 'editor'] });
  });

  it('bumps the credentials version with the roles when asked, and never creates a user', async () => {
    await expect(
      store().setRoles({
        username: 'bob',
        userId: bob.userId,
        previous: ['admin', 'editor'],
        roles: [],
        bumpVersion: true,
      }),
    ).resolves.toBe(true);
    await expect(store().find('bob')).resolves.toMatchObject({ roles: [], credentialsVersion: 1 });
    await expect(
      store().setRoles({
        username: 'nobody',
        userId: bob.userId,
        previous: undefined,
        roles: ['editor'],
        bumpVersion: false,
      }),
    ).resolves.toBe(false);
    await expect(store().find('nobody')).resolves.toBeUndefined();
  });
});
