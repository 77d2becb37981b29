/**
 * Per-account login throttling, on the in-memory stores with a manual clock:
 * the threshold, the doubling back-off and its cap, the reset on success,
 * unknown names locked alike, no scrypt while locked, the password-change path.
 */
import { changePassword } from '../../../lambdas/auth/change-password';
import {
  DEFAULT_LOCKOUT,
  FAILURE_MEMORY_SECONDS,
  lockSeconds,
  recordFailure,
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

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const PASSWORD = 'correct horse battery';
const WRONG = 'wrong horse battery';

async function withAlice(world: DomainWorld) {
  return register(world, { username: 'alice', password: PASSWORD });
}

const attempt = (world: DomainWorld, username: string, password: string) =>
  login(world, { username, password }, CLIENT);

/** Fails `count` logins of `username`, each one allowed (the clock waits out any lock first). */
async function fail(world: DomainWorld, username: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await expect(attempt(world, username, WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    const failures = world.loginAttempts.items.get(username)?.failures ?? 0;
    // Wait out the lock this failure started, so the next one is counted.
    world.clock.advance(lockSeconds(failures));
  }
}

/** The refusal of a locked name; the remaining seconds as `Retry-After` will say. */
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
    expect(DEFAULT_LOCKOUT).toEqual({ threshold: 5, maxLockSeconds: 900 });
  });

  it('follows the configured threshold and cap', () => {
    const policy = { threshold: 3, maxLockSeconds: 10 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => lockSeconds(n, policy))).toEqual([
      0, 0, 1, 2, 4, 8, 10,
    ]);
  });
});

describe('login lockout', () => {
  it('allows four failures, then refuses even the right password for 1 s with 429 and no session', async () => {
    const world = await domainWorld();
    await withAlice(world);
    for (let i = 0; i < 4; i += 1) {
      await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);

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

  it('runs no scrypt while locked, and does not count the refused attempts', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    const verify = jest.spyOn(world.passwords, 'verify');
    const find = jest.spyOn(world.users, 'find');

    for (let i = 0; i < 10; i += 1) await refusal(attempt(world, 'alice', WRONG));

    expect(verify).not.toHaveBeenCalled();
    expect(find).not.toHaveBeenCalled();
    expect(world.loginAttempts.items.get('alice')?.failures).toBe(5);
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
    await fail(world, 'alice', 20);
    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);

    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(900);
    world.clock.advance(899);
    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(1);
    world.clock.advance(1);
    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
  });

  it('forgets the count at a successful login', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);

    await attempt(world, 'alice', PASSWORD);

    expect(world.loginAttempts.items.has('alice')).toBe(false);
    await fail(world, 'alice', 4);
    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
  });

  it('forgets the count a day after the last failure', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);
    world.clock.advance(FAILURE_MEMORY_SECONDS);

    await fail(world, 'alice', 1);

    expect(world.loginAttempts.items.get('alice')?.failures).toBe(1);
  });

  it('locks an unknown name exactly like an existing one: same error, same Retry-After', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 4);
    await fail(world, 'mallory', 4);
    await expect(attempt(world, 'alice', WRONG)).rejects.toEqual(new InvalidCredentialsError());
    await expect(attempt(world, 'mallory', WRONG)).rejects.toEqual(new InvalidCredentialsError());

    const known = await refusal(attempt(world, 'alice', PASSWORD));
    const unknown = await refusal(attempt(world, 'mallory', PASSWORD));

    expect(unknown).toEqual(known);
    expect(unknown.retryAfterSeconds).toBe(known.retryAfterSeconds);
  });

  it('locks one name only: other users log in', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await register(world, { username: 'bob', password: PASSWORD });
    await fail(world, 'alice', 5);
    world.clock.advance(-1);

    await refusal(attempt(world, 'alice', PASSWORD));
    await expect(attempt(world, 'bob', PASSWORD)).resolves.toBeDefined();
  });

  it('follows the configured threshold and cap', async () => {
    const base = await domainWorld();
    const world = { ...base, lockout: { threshold: 2, maxLockSeconds: 3 } };
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

    const next = await refresh(world, before.refresh.token, CLIENT);

    expect(next.access.claims.sid).toBe(before.access.claims.sid);
  });

  it('exposes recordFailure as one step: each call counts once', async () => {
    const world = await domainWorld();
    await Promise.all(Array.from({ length: 7 }, () => recordFailure(world, 'carol')));
    expect(world.loginAttempts.items.get('carol')?.failures).toBe(7);
  });
});

describe('lockout store failures', () => {
  it('fails closed with 503 when the count cannot be read, before any hashing', async () => {
    const world = await domainWorld();
    await withAlice(world);
    world.loginAttempts.get = async () => {
      throw new UnavailableError();
    };
    const verify = jest.spyOn(world.passwords, 'verify');

    await expect(attempt(world, 'alice', PASSWORD)).rejects.toBeInstanceOf(UnavailableError);
    expect(verify).not.toHaveBeenCalled();
  });

  it('fails closed with 503, not 401, when a failure cannot be counted', async () => {
    const world = await domainWorld();
    await withAlice(world);
    world.loginAttempts.recordFailure = async () => {
      throw new UnavailableError();
    };

    await expect(attempt(world, 'alice', WRONG)).rejects.toBeInstanceOf(UnavailableError);
  });

  it('still logs in when the count cannot be reset; the count stays', async () => {
    const world = await domainWorld();
    await withAlice(world);
    await fail(world, 'alice', 2);
    world.loginAttempts.reset = async () => {
      throw new UnavailableError();
    };
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    await expect(attempt(world, 'alice', PASSWORD)).resolves.toBeDefined();
    expect(world.loginAttempts.items.get('alice')?.failures).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe('password change and the lockout', () => {
  async function aliceSignedIn(world: DomainWorld) {
    const { userId } = await withAlice(world);
    const session = await attempt(world, 'alice', PASSWORD);
    return { userId, username: 'alice', sessionId: session.access.claims.sid };
  }

  it('counts a wrong current password as a failed login of the caller’s name', async () => {
    const world = await domainWorld();
    const caller = await aliceSignedIn(world);
    for (let i = 0; i < 3; i += 1) {
      await expect(
        changePassword(
          world,
          caller,
          { currentPassword: WRONG, newPassword: 'x'.repeat(12) },
          CLIENT,
        ),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    await fail(world, 'alice', 2);
    world.clock.advance(-1);

    expect(world.loginAttempts.items.get('alice')?.failures).toBe(5);
    expect((await refusal(attempt(world, 'alice', PASSWORD))).retryAfterSeconds).toBe(1);
  });

  it('answers 429 while the name is locked, without hashing, and changes nothing', async () => {
    const world = await domainWorld();
    const caller = await aliceSignedIn(world);
    await fail(world, 'alice', 5);
    world.clock.advance(-1);
    const hash = world.users.items.get('alice')?.passwordHash;
    const verify = jest.spyOn(world.passwords, 'verify');
    const hashing = jest.spyOn(world.passwords, 'hash');

    const error = await refusal(
      changePassword(
        world,
        caller,
        { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
        CLIENT,
      ),
    );

    expect(error.retryAfterSeconds).toBe(1);
    expect(verify).not.toHaveBeenCalled();
    expect(hashing).not.toHaveBeenCalled();
    expect(world.users.items.get('alice')?.passwordHash).toBe(hash);
  });

  it('forgets the count when the current password is right', async () => {
    const world = await domainWorld();
    const caller = await aliceSignedIn(world);
    await fail(world, 'alice', 4);

    await changePassword(
      world,
      caller,
      { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      CLIENT,
    );

    expect(world.loginAttempts.items.has('alice')).toBe(false);
  });
});
