/** The login rules, on the in-memory stores with a manual clock. */
import { withLegacyUsername } from '../../../lambdas/auth/credentials-rules';
import { login } from '../../../lambdas/auth/login';
import { createPasswordHasher, OWASP_SCRYPT } from '../../../lambdas/auth/passwords';
import { register } from '../../../lambdas/auth/register';
import { loginBody } from '../../../lambdas/contract/requests';
import { InvalidCredentialsError, UnavailableError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';
import { FROZEN_NOW } from '../../support/keys';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const PASSWORD = 'correct horse battery';

async function withAlice(world: DomainWorld) {
  return register(world, { username: 'alice', password: PASSWORD });
}

describe('login', () => {
  it('opens a session holding both token ids, their expiries and the client, and issues its pair', async () => {
    const world = await domainWorld();
    const alice = await withAlice(world);

    const pair = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);

    expect(pair.access.claims).toMatchObject({ sub: alice.userId, username: 'alice' });
    expect(pair.refresh.claims.sid).toBe(pair.access.claims.sid);
    expect([...world.sessions.items.values()]).toEqual([
      {
        userId: alice.userId,
        sessionId: pair.access.claims.sid,
        username: 'alice',
        accessJti: pair.access.claims.jti,
        accessExp: pair.access.claims.exp,
        refreshJti: pair.refresh.claims.jti,
        refreshExp: pair.refresh.claims.exp,
        createdAt: FROZEN_NOW.toISOString(),
        expiresAt: pair.refresh.claims.exp,
        credentialsVersion: 0,
        amr: ['pwd'],
        ip: CLIENT.ip,
        userAgent: CLIENT.userAgent,
      },
    ]);
  });

  it('refuses an unknown user and a wrong password with the same error and opens no session', async () => {
    const world = await domainWorld();
    await withAlice(world);

    await expect(
      login(world, { username: 'alice', password: 'wrong horse' }, CLIENT),
    ).rejects.toEqual(new InvalidCredentialsError());
    await expect(login(world, { username: 'mallory', password: PASSWORD }, CLIENT)).rejects.toEqual(
      new InvalidCredentialsError(),
    );
    expect(world.sessions.items.size).toBe(0);
  });

  it('leaves a hash made with the current parameters alone', async () => {
    const world = await domainWorld();
    await withAlice(world);
    const before = world.users.items.get('alice')?.passwordHash;

    await login(world, { username: 'alice', password: PASSWORD }, CLIENT);

    expect(world.users.items.get('alice')?.passwordHash).toBe(before);
  });

  it('re-hashes a password stored with older parameters', async () => {
    const world = await domainWorld();
    await register(
      { ...world, passwords: createPasswordHasher({ ...OWASP_SCRYPT, N: 2 ** 9 }) },
      { username: 'alice', password: PASSWORD },
    );

    await login(world, { username: 'alice', password: PASSWORD }, CLIENT);

    const stored = String(world.users.items.get('alice')?.passwordHash);
    expect(stored).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
    await expect(world.passwords.verify(PASSWORD, stored)).resolves.toBe(true);
  });

  it('still logs in when the re-hash cannot be stored, and keeps the old hash', async () => {
    const world = await domainWorld();
    await register(
      { ...world, passwords: createPasswordHasher({ ...OWASP_SCRYPT, N: 2 ** 9 }) },
      { username: 'alice', password: PASSWORD },
    );
    const before = world.users.items.get('alice')?.passwordHash;
    const users = {
      ...world.users,
      rehashPassword: async () => {
        throw new UnavailableError();
      },
    };
    jest.spyOn(console, 'error').mockImplementation(() => undefined);

    try {
      await expect(
        login({ ...world, users }, { username: 'alice', password: PASSWORD }, CLIENT),
      ).resolves.toBeDefined();
    } finally {
      jest.restoreAllMocks();
    }
    expect(world.users.items.get('alice')?.passwordHash).toBe(before);
  });

  it('lets a password change made meanwhile win over the re-hash', async () => {
    const world = await domainWorld();
    await register(
      { ...world, passwords: createPasswordHasher({ ...OWASP_SCRYPT, N: 2 ** 9 }) },
      { username: 'alice', password: PASSWORD },
    );
    const stale = structuredClone(world.users.items.get('alice'));
    const changedMeanwhile = await world.passwords.hash('a newer password');
    const alice = world.users.items.get('alice');
    if (alice) alice.passwordHash = changedMeanwhile;
    const users = { ...world.users, find: async () => stale };

    await login({ ...world, users }, { username: 'alice', password: PASSWORD }, CLIENT);

    expect(world.users.items.get('alice')?.passwordHash).toBe(changedMeanwhile);
  });

  it('hands out no tokens when the session cannot be stored', async () => {
    const world = await domainWorld();
    await withAlice(world);
    const sessions = {
      ...world.sessions,
      create: async () => {
        throw new UnavailableError();
      },
    };

    await expect(
      login({ ...world, sessions }, { username: 'alice', password: PASSWORD }, CLIENT),
    ).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('login with a name stored under the first normalisation (trim, then NFKC)', () => {
  /** A user as the first releases stored it: under the legacy normalisation, which today's policy refuses. */
  async function storeLegacyUser(world: DomainWorld, username: string, password: string) {
    await world.users.create({
      username,
      userId: `legacy-${username}`,
      passwordHash: await world.passwords.hash(password),
      createdAt: world.clock().toISOString(),
    });
  }

  /** What the login handler does: parse the body, look the name up both ways. */
  async function loginAs(world: DomainWorld, rawUsername: string) {
    const { username, password } = loginBody.parse({ username: rawUsername, password: PASSWORD });
    const users = withLegacyUsername(world.users, username.legacyUsername);
    return login({ ...world, users }, { username: username.username, password }, CLIENT);
  }

  it('still logs in with the name it registered, `¨bob` stored as ` ̈bob`', async () => {
    const world = await domainWorld();
    await storeLegacyUser(world, ' \u0308bob', PASSWORD);

    const pair = await loginAs(world, '\u00a8bob');

    expect(pair.access.claims.username).toBe(' \u0308bob');
  });

  it('finds a name stored under the current normalisation first', async () => {
    const world = await domainWorld();
    await storeLegacyUser(world, ' \u0308bob', 'the legacy account');
    await register(world, { username: '\u0308bob', password: PASSWORD });

    const pair = await loginAs(world, '\u00a8bob');

    expect(pair.access.claims.username).toBe('\u0308bob');
  });

  it('refuses a wrong password for the legacy account like any other', async () => {
    const world = await domainWorld();
    await storeLegacyUser(world, ' \u0308bob', 'the legacy account');

    await expect(loginAs(world, '\u00a8bob')).rejects.toBeInstanceOf(InvalidCredentialsError);
  });
});
