/**
 * Login throttling by account and client address, so that nobody can lock
 * an owner out by failing on purpose.
 *
 * - **The pair.** Attempts are counted per (account, address): the account's
 *   stored name (or the typed name when nobody has it, so a lock says nothing
 *   about which names exist), the address by `client-address.ts`. From the
 *   `threshold`-th attempt on, each failure locks the pair for
 *   2^(attempts - threshold) seconds, at most `maxLockSeconds` (Cognito's
 *   curve: 1 s, 2 s, 4 s … 15 min). An attacker's failures lock the
 *   attacker's address, never the owner's.
 * - **Count first.** One conditional atomic write counts the attempt, only
 *   when the pair's lock has ended, and returns the new count; only then is
 *   the password hashed. The attempt that reaches the threshold holds the
 *   pair's lock while its password is checked ({@link CHECK_LEASE_SECONDS}),
 *   so N parallel wrong guesses cause at most `threshold` password checks per
 *   lock period. A refused attempt is neither counted nor extends the lock. A
 *   count that cannot be written fails closed (503) before any hashing.
 * - **The account's ceiling.** Guessing spread over many addresses is bounded
 *   by `accountCeilingPerHour`: at most that many counted attempts per clock
 *   hour across all addresses. It never locks longer than the rest of the
 *   hour. An address with a success on the account within
 *   {@link SUCCESS_MEMORY_SECONDS} is exempt from it, so the owner's usual
 *   devices keep logging in while a distributed guesser is held back.
 * - **A success** resets its own pair only, never another address's or the
 *   account's ceiling: whether a name is real and in use cannot be read from
 *   the lockout.
 * - **A password change** by a signed-in owner counts on its own pair alone:
 *   others' failures, and the account's ceiling, never block it.
 */
import { type Clock, epochSeconds, newId } from '../clock';
import { DEFAULTS } from '../config';
import { TooManyRequestsError } from '../errors';
import { log } from '../log';
import type { LockoutReader } from './admin';
import type { AttemptKey, AttemptTimes, LoginAttemptStore } from './ports';

export interface LockoutPolicy {
  /** Attempts of a pair after which each failure locks it for a while (default 5). */
  threshold: number;
  /** The longest lock of a pair, in seconds (default 900, 15 minutes). */
  maxLockSeconds: number;
  /** Counted attempts per clock hour on one account over all addresses without a recent success (default 30). */
  accountCeilingPerHour: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  threshold: DEFAULTS.loginLockoutThreshold,
  maxLockSeconds: DEFAULTS.loginLockoutMaxSeconds,
  accountCeilingPerHour: DEFAULTS.loginAccountCeilingPerHour,
};

/**
 * How long a pair's count is remembered after its last attempt: a day, far
 * longer than any lock, so the back-off keeps growing for someone who waits
 * out each lock and tries again.
 */
export const FAILURE_MEMORY_SECONDS = 24 * 60 * 60;

/** How long a success exempts its address from the account's ceiling (and keeps the item). */
export const SUCCESS_MEMORY_SECONDS = 30 * 24 * 60 * 60;

/**
 * How long the attempt that reaches the threshold holds the pair's lock
 * while its password is checked: longer than any function may run (10 s).
 * It ends earlier as soon as the check's outcome is written.
 */
export const CHECK_LEASE_SECONDS = 30;

/** The ceiling's window. */
const HOUR_MS = 60 * 60 * 1000;

export interface LockoutDeps {
  loginAttempts: LoginAttemptStore;
  clock: Clock;
  /** Thresholds; {@link DEFAULT_LOCKOUT} when unset. */
  lockout?: LockoutPolicy;
  newId?: () => string;
}

/** Seconds of lock after `attempts` failed attempts: 0 below the threshold, then doubling up to the cap. */
export function lockSeconds(
  attempts: number,
  policy: Pick<LockoutPolicy, 'threshold' | 'maxLockSeconds'> = DEFAULT_LOCKOUT,
): number {
  if (attempts < policy.threshold) return 0;
  const exponent = attempts - policy.threshold;
  // 2^exponent overflows nothing here: past ~20 it is far above any cap.
  return exponent >= 30 ? policy.maxLockSeconds : Math.min(2 ** exponent, policy.maxLockSeconds);
}

/** An attempt that was counted and may check its password; settle it with {@link settleAttempt}. */
export interface Admission {
  key: AttemptKey;
  attempt: AttemptTimes;
  /** The pair's count with this attempt. */
  attempts: number;
}

export interface AdmitOptions {
  /** Whether the account's ceiling applies (login: yes; a signed-in owner's password change: no). */
  ceiling: boolean;
}

const retryAfter = (untilMs: number, nowMs: number) =>
  new TooManyRequestsError(Math.max(1, Math.ceil((untilMs - nowMs) / 1000)));

/**
 * Counts one attempt at `key` before any password is checked. Refuses with
 * `TooManyRequestsError` (429, `Retry-After`) while the pair is locked or the
 * account's ceiling is reached; `UnavailableError` (503) when the count
 * cannot be written.
 */
export async function admitAttempt(
  deps: LockoutDeps,
  key: AttemptKey,
  { ceiling }: AdmitOptions,
): Promise<Admission> {
  const { loginAttempts, clock, lockout = DEFAULT_LOCKOUT, newId: makeId = newId } = deps;
  const now = clock().getTime();
  const attempt = { attemptId: makeId(), now };
  const pair = await loginAttempts.admitPair(key, attempt, {
    threshold: lockout.threshold,
    checkLeaseUntil: now + CHECK_LEASE_SECONDS * 1000,
    staleBefore: now - FAILURE_MEMORY_SECONDS * 1000,
    expiresAt: Math.floor(now / 1000) + SUCCESS_MEMORY_SECONDS,
  });
  if (!pair.admitted) throw retryAfter(pair.lockedUntil, now);
  const admission = { key, attempt, attempts: pair.attempts };

  const exempt =
    pair.lastSuccessAt !== undefined && now - pair.lastSuccessAt < SUCCESS_MEMORY_SECONDS * 1000;
  if (!ceiling || exempt) return admission;
  const window = Math.floor(now / HOUR_MS);
  let admitted: boolean;
  try {
    admitted = await loginAttempts.admitAccount(key.account, attempt, {
      ceiling: lockout.accountCeilingPerHour,
      window,
      expiresAt: ((window + 2) * HOUR_MS) / 1000,
    });
  } catch (error) {
    await withdraw(deps, admission);
    throw error;
  }
  if (admitted) return admission;
  await withdraw(deps, admission);
  throw retryAfter((window + 1) * HOUR_MS, now);
}

/** Gives back an admitted attempt that went no further. Best effort: the count errs on the safe side. */
async function withdraw(
  { loginAttempts, lockout = DEFAULT_LOCKOUT }: LockoutDeps,
  { key, attempt, attempts }: Admission,
): Promise<void> {
  try {
    await loginAttempts.withdraw(key, attempt, attempts >= lockout.threshold);
  } catch (error) {
    log('warn', 'an attempt the ceiling refused stays counted on its pair', { error });
  }
}

/**
 * Ends an admitted attempt once its password was checked. A success resets
 * its pair (best effort: the login goes on if the write fails). A failure at
 * or beyond the threshold locks the pair; that write is not optional, so a
 * failure to make it is `UnavailableError`.
 */
export async function settleAttempt(
  deps: LockoutDeps,
  { key, attempts }: Admission,
  succeeded: boolean,
): Promise<void> {
  const { loginAttempts, clock, lockout = DEFAULT_LOCKOUT } = deps;
  const at = clock();
  const now = at.getTime();
  const expiresAt = epochSeconds(at) + SUCCESS_MEMORY_SECONDS;
  if (succeeded) {
    try {
      await loginAttempts.recordSuccess(key, now, expiresAt);
    } catch (error) {
      log('warn', 'login attempt count not reset; it stays until the next success', { error });
    }
    return;
  }
  // Below the threshold the count already says everything; no lock to write.
  if (attempts < lockout.threshold) return;
  await loginAttempts.settleFailure(key, now + lockSeconds(attempts, lockout) * 1000, expiresAt);
}

/**
 * Ends an admitted attempt whose password was right but whose login is not
 * over (a second factor is still to come): the pair's count stays, so the
 * codes that follow add to it and only the finished login resets it. The
 * check lock an attempt at the threshold holds is released. Not optional,
 * like a failure's.
 */
export async function holdAttempt(deps: LockoutDeps, { key, attempts }: Admission): Promise<void> {
  const { loginAttempts, clock, lockout = DEFAULT_LOCKOUT } = deps;
  if (attempts < lockout.threshold) return;
  const at = clock();
  await loginAttempts.settleFailure(key, at.getTime(), epochSeconds(at) + SUCCESS_MEMORY_SECONDS);
}

/**
 * The lockout of an account as an operator sees it (`npm run admin -- users
 * show`), and the operator's unlock.
 */
export function lockoutReader({
  loginAttempts,
  clock,
  lockout = DEFAULT_LOCKOUT,
}: LockoutDeps): LockoutReader {
  return {
    async lockoutOf(username) {
      const { pairs, ceiling } = await loginAttempts.listAccount(username);
      const now = clock().getTime();
      const counting = pairs.filter(
        (pair) =>
          pair.attempts > 0 && (pair.lastAttemptAt ?? 0) > now - FAILURE_MEMORY_SECONDS * 1000,
      );
      const locks = counting
        .map((pair) => pair.lockedUntil ?? 0)
        .filter((until) => until > now)
        .sort((a, b) => b - a);
      const window = Math.floor(now / HOUR_MS);
      const thisHour = ceiling && ceiling.window === window ? ceiling.count : 0;
      if (counting.length === 0 && thisHour === 0) return undefined;
      const [latest] = locks;
      return {
        failures: counting.reduce((sum, pair) => sum + pair.attempts, 0),
        addresses: counting.length,
        lockedAddresses: locks.length,
        ...(latest ? { lockedUntil: new Date(latest).toISOString() } : {}),
        attemptsThisHour: thisHour,
        ...(thisHour >= lockout.accountCeilingPerHour
          ? { ceilingUntil: new Date((window + 1) * HOUR_MS).toISOString() }
          : {}),
      };
    },
    clear: (username) => loginAttempts.clearAccount(username),
  };
}
