/**
 * The recovery table and the user item's e-mail attributes on the embedded
 * engine: one owner per verified address (conditional puts, a stale owner
 * taken over only as seen), token records found by hash, and a verification
 * that applies once, only while its token is the item's and has not ended.
 */
import { credentialsVersionOf, type UserRecord } from '../../lambdas/auth/ports';
import { createRecoveryStore } from '../../lambdas/store/recovery';
import { createUserStore } from '../../lambdas/store/users';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const recovery = () => createRecoveryStore(dynamo.documents, dynamo.tables);
const users = () => createUserStore(dynamo.documents, dynamo.tables.users);

const claim = (email: string, userId: string) => ({
  email,
  userId,
  username: `user-${userId}`,
  verifiedAt: '2026-01-01T00:00:00.000Z',
});

describe('Recovery store on the embedded engine', () => {
  it('gives an address one owner: a second account is refused, the owner again is not', async () => {
    expect(await recovery().claimAddress(claim('one@example.com', 'A'))).toBe(true);

    expect(await recovery().claimAddress(claim('one@example.com', 'B'))).toBe(false);
    expect(await recovery().claimAddress(claim('one@example.com', 'A'))).toBe(true);
    await expect(recovery().findAddress('one@example.com')).resolves.toEqual(
      claim('one@example.com', 'A'),
    );
  });

  it('gives an unowned address to exactly one of accounts claiming it at once', async () => {
    const claimed = await Promise.all(
      ['A', 'B', 'C'].map((userId) => recovery().claimAddress(claim('race@example.com', userId))),
    );

    expect(claimed.filter(Boolean)).toHaveLength(1);
    const owner = ['A', 'B', 'C'][claimed.indexOf(true)];
    expect((await recovery().findAddress('race@example.com'))?.userId).toBe(owner);
  });

  it('takes a stale owner over only while it is still the owner seen', async () => {
    await recovery().claimAddress(claim('two@example.com', 'A'));

    expect(await recovery().claimAddress(claim('two@example.com', 'C'), 'B')).toBe(false);
    expect(await recovery().claimAddress(claim('two@example.com', 'B'), 'A')).toBe(true);
    expect((await recovery().findAddress('two@example.com'))?.userId).toBe('B');
  });

  it('releases an address only for its owner', async () => {
    await recovery().claimAddress(claim('three@example.com', 'A'));

    await recovery().releaseAddress('three@example.com', 'B');
    expect(await recovery().findAddress('three@example.com')).toBeDefined();
    await recovery().releaseAddress('three@example.com', 'A');
    expect(await recovery().findAddress('three@example.com')).toBeUndefined();
  });

  it('finds a token by its hash, past its end too, until it is deleted', async () => {
    const token = {
      tokenHash: 'h1',
      purpose: 'verify_email' as const,
      userId: 'A',
      username: 'alice',
      email: 'a@example.com',
      expiresAt: 1,
    };
    await recovery().saveToken(token);

    await expect(recovery().findToken('h1')).resolves.toEqual(token);
    await recovery().deleteToken('h1');
    await expect(recovery().findToken('h1')).resolves.toBeUndefined();
  });
});

describe('the user item’s address on the embedded engine', () => {
  const bob: UserRecord = {
    username: 'bob',
    userId: 'BBBBBBBBBBBBBBBBBBBBBB',
    passwordHash: 'scrypt$x',
    createdAt: '2026-01-01T00:00:00.000Z',
    resetTokenHash: 'reset',
    resetTokenExpiresAt: 2_000_000_000,
  };

  it('sets an unverified address with its token and ends the reset token; verifies it once', async () => {
    await users().create(bob);
    const change = { username: 'bob', userId: bob.userId, email: 'bob@example.com' };
    expect(await recovery().setEmail({ ...change, token: { hash: 'v1', expiresAt: 1000 } })).toBe(
      true,
    );
    expect(await users().find('bob')).toMatchObject({
      email: 'bob@example.com',
      emailVerified: false,
      emailTokenHash: 'v1',
    });
    expect((await users().find('bob'))?.resetTokenHash).toBeUndefined();

    const confirm = { ...change, tokenHash: 'v1', at: '2026-01-02T00:00:00.000Z', now: 999 };
    expect(await recovery().confirmEmail({ ...confirm, tokenHash: 'other' })).toBe(false);
    expect(await recovery().confirmEmail({ ...confirm, now: 1000 })).toBe(false);
    expect(await recovery().confirmEmail(confirm)).toBe(true);
    expect(await recovery().confirmEmail(confirm)).toBe(false);
    expect(await users().find('bob')).toMatchObject({ emailVerified: true });
  });

  it('sets an address verified by an operator: no token, the open tokens and the reset token end', async () => {
    const carol: UserRecord = { ...bob, username: 'carol', userId: 'CCCCCCCCCCCCCCCCCCCCCC' };
    await users().create(carol);
    const change = { username: 'carol', userId: carol.userId, email: 'carol@example.com' };
    await recovery().setEmail({ ...change, token: { hash: 'v2', expiresAt: 1000 } });

    const verifiedAt = '2026-01-03T00:00:00.000Z';
    expect(await recovery().setEmail({ ...change, verifiedAt })).toBe(true);

    const item = await users().find('carol');
    expect(item).toMatchObject({
      email: 'carol@example.com',
      emailVerified: true,
      emailVerifiedAt: verifiedAt,
    });
    expect(item?.emailTokenHash).toBeUndefined();
    expect(item?.resetTokenHash).toBeUndefined();
    expect(
      await recovery().confirmEmail({ ...change, tokenHash: 'v2', at: verifiedAt, now: 1 }),
    ).toBe(false);
  });

  it('verifies an address once of concurrent confirmations with its token', async () => {
    const erin: UserRecord = { ...bob, username: 'erin', userId: 'EEEEEEEEEEEEEEEEEEEEEE' };
    await users().create(erin);
    const change = { username: 'erin', userId: erin.userId, email: 'erin@example.com' };
    await recovery().setEmail({ ...change, token: { hash: 'v3', expiresAt: 1000 } });
    const confirm = { ...change, tokenHash: 'v3', at: '2026-01-02T00:00:00.000Z', now: 999 };

    const confirmed = await Promise.all([1, 2, 3].map(() => recovery().confirmEmail(confirm)));

    expect(confirmed.filter(Boolean)).toHaveLength(1);
  });

  it('never creates an item for an unknown user', async () => {
    expect(
      await recovery().setEmail({ username: 'nobody', userId: 'X', email: 'n@example.com' }),
    ).toBe(false);
    await expect(users().find('nobody')).resolves.toBeUndefined();
  });
});

describe('the reset token on the embedded engine', () => {
  const dave: UserRecord = {
    username: 'dave',
    userId: 'DDDDDDDDDDDDDDDDDDDDDD',
    passwordHash: 'scrypt$old',
    createdAt: '2026-01-01T00:00:00.000Z',
    email: 'dave@example.com',
    emailVerified: true,
    credentialsVersion: 4,
    totp: { state: 'active', secret: 'sealed', createdAt: '2026-01-01T00:00:00.000Z' },
  };
  const ref = { username: 'dave', userId: dave.userId };
  const issue = (hash: string, email = 'dave@example.com') =>
    recovery().setResetToken({ ...ref, email, token: { hash, expiresAt: 1000 } });
  const consume = (tokenHash: string, now = 999) =>
    recovery().consumeResetToken({ ...ref, tokenHash, now, passwordHash: 'scrypt$new' });

  beforeAll(() => users().create(dave));

  it('stores a token only for the verified address; a newer one replaces it', async () => {
    expect(await issue('r1', 'other@example.com')).toBe(false);
    expect(await issue('r1')).toBe(true);
    expect(await issue('r2')).toBe(true);

    expect(await users().find('dave')).toMatchObject({
      resetTokenHash: 'r2',
      resetTokenExpiresAt: 1000,
    });
    expect(await consume('r1')).toBe(false);
  });

  it('uses the token once, alive only: the new hash and a version bump, the second factor kept', async () => {
    await issue('r3');

    expect(await consume('r3', 1000)).toBe(false);
    expect(await consume('r3')).toBe(true);
    expect(await consume('r3')).toBe(false);
    const stored = await users().find('dave');
    expect(stored).toMatchObject({
      passwordHash: 'scrypt$new',
      credentialsVersion: 5,
      totp: dave.totp,
    });
    expect(stored?.resetTokenHash).toBeUndefined();
    expect(stored?.resetTokenExpiresAt).toBeUndefined();
  });

  it('ends the token with a password change', async () => {
    await issue('r4');
    const { passwordHash } = (await users().find('dave')) as UserRecord;

    expect(
      await users().changePassword({
        ...ref,
        previousHash: passwordHash,
        passwordHash: 'scrypt$3',
      }),
    ).toBe(true);

    expect((await users().find('dave'))?.resetTokenHash).toBeUndefined();
    expect(await consume('r4')).toBe(false);
  });

  it('lets exactly one of concurrent uses of a token through: one password, one version bump', async () => {
    await issue('r5');
    const before = credentialsVersionOf((await users().find('dave')) as UserRecord);

    const used = await Promise.all([1, 2, 3].map(() => consume('r5')));

    expect(used.filter(Boolean)).toHaveLength(1);
    expect((await users().find('dave'))?.credentialsVersion).toBe(before + 1);
  });

  it('never creates an item for an unknown user', async () => {
    expect(
      await recovery().setResetToken({
        username: 'nobody',
        userId: 'X',
        email: 'n@example.com',
        token: { hash: 'r', expiresAt: 1000 },
      }),
    ).toBe(false);
    await expect(users().find('nobody')).resolves.toBeUndefined();
  });
});
