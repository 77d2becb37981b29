/**
 * Login throttling per account and client address, on the in-memory stores
 * with a manual clock: the pair's threshold and doubling back-off, count
 * first (parallel guesses, no hashing while locked), the account's hourly
 * ceiling and the exemption of addresses with a recent login, a success that
 * resets its own pair only, unknown names alike, the password-change path,
 * and failing closed.
 */
import { changePassword } from '../../../lambdas/auth/change-password';
import { withLegacyUsername } from '../../../lambdas/auth/credentials-rules';
import {
  DEFAULT_LOCKOUT,
  FAILURE_MEMORY_SECONDS,
  lockoutReader,
  lockSeconds,
} from '../../../lambdas/auth/lockout';
import { login } from '../../../lambdas/auth/login';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import {
  InvalidCredentialsError,
  TooManyRequestsError,
  UnavailableError,
} from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const ATTACKER = { ip: '203.0.113.66', userAgent: 'guesser' };
const OWNER = { ip: '198.51.100.7', userAgent: 'owner' };
const PASSWORD = 'correct horse battery';
const WRONG = 'wrong horse battery';

async function withAlice(world: DomainWorld) {
  return register(world, { username: 'alice', password: PASSWORD });
}

const attempt = (
  world: DomainWorld,
  username: string,
  password: string,
  client: { ip: string } = ATTACKER,
) => login(world, { username, password }, client);

/** The pair's count of `account` at `client`'s address. */
const countOf = (world: DomainWorld, account: string, client: { ip: string } = ATTACKER) =>
  world.loginAttempts.pair(account, client.ip)?.attempts ?? 0;

/** Fails `count` logins of `username` from `client`, each one allowed (the clock waits out any lock first). */
async function fail(
  world: DomainWorld,
  username: string,
  count: number,
  client: { ip: string } = ATTACKER,
): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await expect(attempt(world, username, WRONG, client)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    // Wait out the lock this failure started, so the next one is counted.
    world.clock.advance(lockSeconds(countOf(world, username, client)));
  }
}

/** The refusal of a locked pair or account; the remaining seconds as `Retry-After` will say. */
async function refusal(promise: Promise<unknown>): Promise<TooManyRequestsError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TooManyRequestsError);
  return error as TooManyRequestsError;
}

describe('lockSeconds', () => {
  it('is 0 below the threshold, then 2^(n-5) seconds, capped at 15 minutes', () => {
    const curve = Array.from({ length: 17 }, (_, index) => lockSeconds(index + 1));
    expect(curve).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    expect(lockSeconds(10_000)).toBe(900);
    expect(DEFAULT_LOCKOUT).toEqual({
      threshold: 5,
      maxLockSeconds: 900,
      accountCeilingPerHour: 30,
    });
  });

  it('follows the configured threshold and cap', () => {
    const policy = { threshold: 3, maxLockSeconds: 10 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => lockSeconds(n, policy))).toEqual([
      0, 0, 1, 2, 4, 8, 10,
    ]);
  });
});

describe('the lock of an (account, address) pair', () => {
  it('allows four failures, then refuses even the right password from that address for 1 s', async () => {
    const world = await domainWorld();
    await withAlice(world);
    for (let i = 0; i < 5; i += 1) {
      await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }

    const error = await refusal(attempt(world, 'alice', PASSWORD));

    expect(error).toMatchObject({
      status: 429,
      code: 'too_many_requests',
      retryAfterSeconds: 1,
      message: ERROR_MESSAGES.accountLocked,
    });
    expect(world.sessions.items.size).toBe(0);
    world.clock.advance(1);
    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
  });

  it('never locks the owner at another address, however long the attacker keeps at it (F1)', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await attempt(world, 'alice', PASSWORD, OWNER);
    const attackers = Array.from({ length: 8 }, (_, i) => ({ ip: `203.0.113.${10 + i}` }));

    let ownerIn = 0;
    for (let round = 0; round < 40; round += 1) {
      for (const attacker of attackers) {
        await attempt(world, 'alice', `guess ${round}`, attacker).catch(() => undefined);
      }
      await attempt(world, 'alice', PASSWORD, OWNER).then(() => {
        ownerIn += 1;
      });
      world.clock.advance(1);
    }

    expect(ownerIn).toBe(40);
  });

  it('doubles the lock with each further failure: 1, 2, 4, 8 … seconds', async () => {
    const world = await domainWorld();
    await withAlice(world);
    const seen: number[] = [];
    for (let failures = 5; failures <= 10; failures += 1) {
      await fail(world, 'alice', failures === 5 ? 5 : 1);
      // fail() waited the lock out; step back into it to see the refusal.
      world.clock.advance(-lockSeconds(failures));
      seen.push((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds);
      world.clock.advance(lockSeconds(failures));
    }
    expect(seen).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('caps the lock at 15 minutes however many failures', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await attempt(world, 'alice', PASSWORD);
    await fail(world, 'alice', 20);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);

    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(900);
    world.clock.advance(899);
    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(1);
    world.clock.advance(1);
    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
  });

  it('forgets the count a day after the last attempt', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);
    world.clock.advance(FAILURE_MEMORY_SECONDS);

    await fail(world, 'alice', 1);

    expect(countOf(world, 'alice')).toBe(1);
  });

  it('counts an IPv6 client by its /64', async () => {
    const world = await domainWorld();
    await withAlice(world);
    for (let i = 0; i < 5; i += 1) {
      await expect(
        attempt(world, 'alice', WRONG, { ip: `2001:db8:1:2::${i + 1}` }),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    }

    await refusal(attempt(world, 'alice', PASSWORD, { ip: '2001:db8:1:2:ffff::9' }));
    expect(countOf(world, 'alice', { ip: '2001:db8:1:2::/64' })).toBe(5);
    await expect(
      attempt(world, 'alice', PASSWORD, { ip: '2001:db8:1:3::1' }),
    ).resolves.toBeDefined();
  });

  it('follows the configured threshold and cap', async () => {
    const base = await domainWorld();
    const world = { ...base, lockout: { ...DEFAULT_LOCKOUT, threshold: 2, maxLockSeconds: 3 } };
    await withAlice(world);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);

    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(1);
    for (let i = 0; i < 5; i += 1) {
      world.clock.advance(3);
      await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(3);
  });

  it('never blocks a session opened before the lock: it still refreshes', async () => {
    const world = await domainWorld();
    await withAlice(world);
    const before = await attempt(world, 'alice', PASSWORD);
    await fail(world, 'alice', 5);
    world.clock.advance(-1);
    await refusal(attempt(world, 'alice', PASSWORD));

    const next = await refresh(world, before.refresh.token, ATTACKER);

    expect(next.access.claims.sid).toBe(before.access.claims.sid);
  });
});

describe('count first', () => {
  it('checks at most the threshold of 50 parallel wrong guesses, and refuses the rest with 429 (F2)', async () => {
    const world = await domainWorld();
    await withAlice(world);
    const verify = jest.spyOn(world.passwords, 'verify');

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => attempt(world, 'alice', WRONG)),
    );

    const reasons = results.map((result) =>
      result.status === 'rejected' ? (result.reason as Error).constructor.name : 'fulfilled',
    );
    expect(verify).toHaveBeenCalledTimes(5);
    expect(reasons.filter((name) => name === 'InvalidCredentialsError')).toHaveLength(5);
    expect(reasons.filter((name) => name === 'TooManyRequestsError')).toHaveLength(45);
  });

  it('runs no scrypt while locked, and neither counts the refused attempts nor extends the lock', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 9);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    const lockedUntil = world.loginAttempts.pair('alice', ATTACKER.ip)?.lockedUntil;
    const verify = jest.spyOn(world.passwords, 'verify');

    for (let i = 0; i < 10; i += 1) {
      await refusal(attempt(world, 'alice', WRONG));
      world.clock.advance(1);
    }

    expect(verify).not.toHaveBeenCalled();
    expect(countOf(world, 'alice')).toBe(10);
    expect(world.loginAttempts.pair('alice', ATTACKER.ip)?.lockedUntil).toBe(lockedUntil);
  });
});

describe('a success', () => {
  it('resets its own pair only: the attacker’s count stays', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);

    await attempt(world, 'alice', PASSWORD, OWNER);

    expect(countOf(world, 'alice')).toBe(4);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await refusal(attempt(world, 'alice', WRONG));
  });

  it('does not tell a real, recently used name from an unknown one (F4)', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 3);
    await fail(world, 'mallory', 3);
    await attempt(world, 'alice', PASSWORD, OWNER);

    const answers = async (name: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        await attempt(world, name, WRONG).catch((error: Error) =>
          seen.push(error.constructor.name),
        );
      }
      return seen;
    };

    expect(await answers('alice')).toEqual(await answers('mallory'));
  });

  it('resets the count of the right password from the same address', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);

    await attempt(world, 'alice', PASSWORD);

    expect(countOf(world, 'alice')).toBe(0);
    await fail(world, 'alice', 4);
    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
  });
});

describe('the account’s hourly ceiling', () => {
  /** One wrong guess from each of `count` fresh addresses. */
  async function spread(world: DomainWorld, name: string, count: number, from = 0) {
    const seen: string[] = [];
    for (let i = from; i < from + count; i += 1) {
      await attempt(world, name, WRONG, { ip: `192.0.2.${i}` }).catch((error: Error) =>
        seen.push(error.constructor.name),
      );
    }
    return seen;
  }

  it('bounds guesses spread over many addresses to 30 an hour, then lets them go on the next hour', async () => {
    const world = await domainWorld();
    world.clock.set(new Date('2026-12-03T10:00:00Z'));
    await withAlice(world);

    const first = await spread(world, 'alice', 40);

    expect(first.filter((name) => name === 'InvalidCredentialsError')).toHaveLength(30);
    const refused = await refusal(attempt(world, 'alice', PASSWORD, { ip: '192.0.2.200' }));
    expect(refused.retryAfterSeconds).toBe(3600);
    world.clock.advance(3600);
    await expect(attempt(world, 'alice', PASSWORD, { ip: '192.0.2.200' })).resolves.toBeDefined();
  });

  it('exempts an address that logged in recently: the owner gets in while the ceiling is reached', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await attempt(world, 'alice', PASSWORD, OWNER);
    world.clock.advance(24 * 60 * 60);

    await spread(world, 'alice', 40);

    await expect(attempt(world, 'alice', PASSWORD, OWNER)).resolves.toBeDefined();
  });

  it('applies to unknown names alike', async () => {
    const world = await domainWorld();
    world.clock.set(new Date('2026-12-03T10:00:00Z'));
    await withAlice(world);
    expect(await spread(world, 'alice', 40)).toEqual(await spread(world, 'mallory', 40));
  });
});

describe('the account key', () => {
  it('is the stored name: a login found under the first releases’ normalisation counts there', async () => {
    const world = await domainWorld();
    // Stored by the first releases, which trimmed before NFKC.
    await world.users.create({
      username: ' \u0308bob',
      userId: 'old-account',
      passwordHash: await world.passwords.hash(PASSWORD),
      createdAt: world.clock().toISOString(),
    });
    const users = withLegacyUsername(world.users, ' \u0308bob');

    await expect(
      login({ ...world, users }, { username: '\u0308bob', password: WRONG }, ATTACKER),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);

    expect(countOf(world, ' \u0308bob')).toBe(1);
    expect(countOf(world, '\u0308bob')).toBe(0);
  });
});

describe('lockout store failures', () => {
  it('fails closed with 503 when the attempt cannot be counted, before any hashing', async () => {
    const world = await domainWorld();
    await withAlice(world);
    world.loginAttempts.admitPair = async () => {
      throw new UnavailableError();
    };
    const verify = jest.spyOn(world.passwords, 'verify');

    await expect(attempt(world, 'alice', PASSWORD)).rejects.toBeInstanceOf(UnavailableError);
    expect(verify).not.toHaveBeenCalled();
  });

  it('fails closed with 503 when the ceiling cannot be counted, and gives the pair’s count back', async () => {
    const world = await domainWorld();
    await withAlice(world);
    world.loginAttempts.admitAccount = async () => {
      throw new UnavailableError();
    };
    const verify = jest.spyOn(world.passwords, 'verify');

    await expect(attempt(world, 'alice', PASSWORD)).rejects.toBeInstanceOf(UnavailableError);
    expect(verify).not.toHaveBeenCalled();
    expect(countOf(world, 'alice')).toBe(0);
  });

  it('fails closed with 503, not 401, when a lock cannot be written', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);
    world.loginAttempts.settleFailure = async () => {
      throw new UnavailableError();
    };

    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(UnavailableError);
    // The check's own lock stays: nothing more is checked meanwhile.
    await refusal(attempt(world, 'alice', PASSWORD));
  });

  it('still logs in when the count cannot be reset; the count stays', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 2);
    world.loginAttempts.recordSuccess = async () => {
      throw new UnavailableError();
    };
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
    expect(countOf(world, 'alice')).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe('password change and the lockout', () => {
  async function aliceSignedIn(world: DomainWorld) {
    const { userId } = await withAlice(world);
    const session = await attempt(world, 'alice', PASSWORD, OWNER);
    return { userId, username: 'alice', sessionId: session.access.claims.sid };
  }

  const change = (
    world: DomainWorld,
    caller: Awaited<ReturnType<typeof aliceSignedIn>>,
    current: string,
    client: { ip: string } = OWNER,
  ) =>
    changePassword(
      world,
      caller,
      { currentPassword: current, newPassword: 'a brand new passphrase' },
      client,
    );

  it('is never blocked by failures from other addresses, nor by the account’s ceiling', async () => {
    const world = await domainWorld();
    const caller = await aliceSignedIn(world);
    await fail(world, 'alice', 9);
    world.clock.advance(-1);
    for (let i = 0; i < 40; i += 1) {
      await attempt(world, 'alice', WRONG, { ip: `192.0.2.${i}` }).catch(() => undefined);
    }
    // A new address of the owner's (no login from it yet).
    await expect(change(world, caller, PASSWORD, { ip: '198.51.100.99' })).resolves.toBeUndefined();
  });

  it('counts a wrong current password on the caller’s pair, and locks that pair', async () => {
    const world = await domainWorld();
    const caller = await aliceSignedIn(world);
    for (let i = 0; i < 5; i += 1) {
      await expect(change(world, caller, WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }

    expect(countOf(world, 'alice', OWNER)).toBe(5);
    expect((await refusal(change(world, caller, PASSWORD))).retryAfterSeconds).toBe(1);
  });

  it('answers 429 while the pair is locked, without hashing, and changes nothing', async () => {
    const world = await domainWorld();
    const caller = await aliceSignedIn(world);
    await fail(world, 'alice', 5, OWNER);
    world.clock.advance(-1);
    const hash = world.users.items.get('alice')?.passwordHash;
    const verify = jest.spyOn(world.passwords, 'verify');
    const hashing = jest.spyOn(world.passwords, 'hash');

    const error = await refusal(change(world, caller, PASSWORD));

    expect(error.retryAfterSeconds).toBe(1);
    expect(verify).not.toHaveBeenCalled();
    expect(hashing).not.toHaveBeenCalled();
    expect(world.users.items.get('alice')?.passwordHash).toBe(hash);
  });
});

describe('lockoutReader', () => {
  it('sums the addresses, names the latest lock, and clears everything of the account', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 5);
    world.clock.advance(-1);
    await fail(world, 'alice', 2, OWNER);
    const reader = lockoutReader(world);

    expect(await reader.lockoutOf('alice')).toMatchObject({
      failures: 7,
      addresses: 2,
      lockedAddresses: 1,
      lockedUntil: expect.any(String),
    });
    expect(await reader.clear('alice')).toBe(3);
    expect(await reader.lockoutOf('alice')).toBeUndefined();
    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
  });
});
