/**
 * Per-account login throttling. Failed logins are counted per normalised
 * username, whether or not a user has that name, so a locked answer says
 * nothing about which names exist. From the `threshold`-th consecutive failure
 * on, the name is locked for 2^(failures - threshold) seconds after the last
 * failure, at most `maxLockSeconds` (Cognito's curve: 1 s, 2 s, 4 s … 15 min).
 * A locked attempt is refused with 429 before any password is hashed, and is
 * not counted. A success forgets the count.
 *
 * The lock is not stored: it follows from the count and the time of the last
 * failure, so a failure is one atomic write (an `ADD` on one item) and
 * concurrent failures are counted exactly, without transactions. A count is
 * forgotten {@link FAILURE_MEMORY_SECONDS} after the last failure (the
 * record's TTL).
 *
 * Trade-off: anyone who knows a username can delay its owner's logins by
 * failing on purpose; the cap bounds the delay, and sessions already open
 * (refresh, every other route) are never affected.
 */
import { type Clock, epochSeconds } from '../clock';
import { DEFAULTS } from '../config';
import { TooManyRequestsError } from '../errors';
import { log } from '../log';
import type { LockoutReader } from './admin';
import type { LoginAttemptStore, LoginAttempts } from './ports';

export interface LockoutPolicy {
  /** Consecutive failures after which attempts are refused for a while (default 5). */
  threshold: number;
  /** The longest lock, in seconds (default 900, 15 minutes). */
  maxLockSeconds: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  threshold: DEFAULTS.loginLockoutThreshold,
  maxLockSeconds: DEFAULTS.loginLockoutMaxSeconds,
};

/**
 * How long a count of failures is remembered after the last one (the
 * record's TTL): a day, far longer than any lock, so the back-off keeps
 * growing for someone who waits out each lock and tries again.
 */
export const FAILURE_MEMORY_SECONDS = 24 * 60 * 60;

export interface LockoutDeps {
  loginAttempts: LoginAttemptStore;
  clock: Clock;
  /** Thresholds; {@link DEFAULT_LOCKOUT} when unset. */
  lockout?: LockoutPolicy;
}

/** Seconds of lock after `failures` consecutive failures: 0 below the threshold, then doubling up to the cap. */
export function lockSeconds(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): number {
  if (failures < policy.threshold) return 0;
  const exponent = failures - policy.threshold;
  // 2^exponent overflows nothing here: past ~20 it is far above any cap.
  return exponent >= 30 ? policy.maxLockSeconds : Math.min(2 ** exponent, policy.maxLockSeconds);
}

/** When the lock of `attempts` ends, epoch milliseconds (in the past when it is not locked). */
export function lockedUntil(
  attempts: LoginAttempts,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
): number {
  return attempts.lastFailureAt + lockSeconds(attempts.failures, policy) * 1000;
}

/**
 * Refuses with `TooManyRequestsError` (429, `Retry-After`) while `username` is
 * locked; otherwise returns its record (if any), for {@link clearFailures}.
 */
export async function assertNotLocked(
  { loginAttempts, clock, lockout = DEFAULT_LOCKOUT }: LockoutDeps,
  username: string,
): Promise<LoginAttempts | undefined> {
  const attempts = await loginAttempts.get(username);
  if (!attempts) return undefined;
  const remainingMs = lockedUntil(attempts, lockout) - clock().getTime();
  if (remainingMs > 0) throw new TooManyRequestsError(Math.ceil(remainingMs / 1000));
  return attempts;
}

/**
 * Counts one failed attempt for `username`: a wrong password, an unknown
 * user, a wrong current password at a password change. Every caller that
 * refuses credentials calls this before it answers 401.
 */
export async function recordFailure(
  { loginAttempts, clock }: Pick<LockoutDeps, 'loginAttempts' | 'clock'>,
  username: string,
): Promise<LoginAttempts> {
  const now = clock();
  return loginAttempts.recordFailure(username, {
    now: now.getTime(),
    expiresAt: epochSeconds(now) + FAILURE_MEMORY_SECONDS,
  });
}

/**
 * Forgets the failures of `username` after the right password, when
 * {@link assertNotLocked} saw any. Best effort: if the store fails, the login
 * still succeeds and the count stays until the next success or its TTL.
 */
export async function clearFailures(
  { loginAttempts }: Pick<LockoutDeps, 'loginAttempts'>,
  username: string,
  seen: LoginAttempts | undefined,
): Promise<void> {
  if (!seen) return;
  try {
    await loginAttempts.reset(username);
  } catch (error) {
    log('warn', 'failed-login count not reset; it stays until the next success', { error });
  }
}

/**
 * The lockout state of a name as an operator sees it (`npm run admin -- users
 * show`): the consecutive failures, and when the current lock ends if any.
 */
export function lockoutReader({
  loginAttempts,
  clock,
  lockout = DEFAULT_LOCKOUT,
}: LockoutDeps): LockoutReader {
  return {
    async lockoutOf(username) {
      const attempts = await loginAttempts.get(username);
      if (!attempts) return undefined;
      const until = lockedUntil(attempts, lockout);
      return {
        failures: attempts.failures,
        ...(until > clock().getTime() ? { lockedUntil: new Date(until).toISOString() } : {}),
      };
    },
  };
}
