/**
 * The limits of the recovery routes that send messages or take a token
 * (forgot password, address verification): requests per clock hour, per
 * e-mail address, per account and per client address (`client-address.ts`:
 * IPv6 by its /64), each beyond its limit answered 429 with `Retry-After`.
 *
 * - **Only what the request names.** Forgot counts the username or the
 *   address as given (normalised), whether or not an account has it, so a
 *   429 tells nothing about accounts; verify counts the account and the
 *   address its token was issued for.
 * - **One conditional ADD per count** (`RequestLimitStore`), the window in
 *   the counter's key: no read, no transaction, and of concurrent requests at
 *   the limit exactly the allowed number pass. A refused request is not
 *   counted by the counter that refused it; the counters before it in the
 *   order (client, account, address) keep theirs, erring on the safe side.
 * - A fixed window of an hour: at most twice the limit across a window's
 *   turn, which is fine for limits this small.
 */
import type { Clock } from '../clock';
import { TooManyRequestsError } from '../errors';
import { addressKey } from './client-address';
import type { ClientInfo, RequestLimitStore } from './ports';

/** Requests per clock hour. */
export interface RecoveryLimits {
  perAddressPerHour: number;
  perAccountPerHour: number;
  perClientPerHour: number;
}

export interface RecoveryLimitDeps {
  requestLimits: RequestLimitStore;
  clock: Clock;
  recoveryLimits: RecoveryLimits;
}

/** The limited routes, as their counters' keys name them. */
export type LimitedRoute = 'forgot' | 'verify';

const HOUR_SECONDS = 60 * 60;

/** The clock hour `now` falls in, as the counters' keys number it. */
function hourWindow(clock: Clock): { nowSeconds: number; window: number } {
  const nowSeconds = clock().getTime() / 1000;
  return { nowSeconds, window: Math.floor(nowSeconds / HOUR_SECONDS) };
}

/** A counter is kept an hour past its window: long enough for any clock skew, then TTL (late) tidies it. */
const counterExpiresAt = (window: number) => (window + 2) * HOUR_SECONDS;

/**
 * Counts one message (a verification link, or the notice that the address
 * is another account's) to `address` against the address's hourly limit;
 * false when it is reached, and the message should not go. Silent on
 * purpose: the request that causes it answers as ever, so nobody learns
 * anything, and nobody can fill an inbox by registering with its address.
 */
export async function admitMessage(
  { requestLimits, clock, recoveryLimits }: RecoveryLimitDeps,
  address: string,
): Promise<boolean> {
  const { window } = hourWindow(clock);
  return requestLimits.count({
    key: `message:address:${address}`,
    window,
    limit: recoveryLimits.perAddressPerHour,
    expiresAt: counterExpiresAt(window),
  });
}

/** What one request is counted against (each one given). */
export interface LimitSubjects {
  /** The client, by its IP (`client-address.ts`; none known counts as one address). */
  client?: ClientInfo;
  /** The account's username (normalised), if the request names or reaches one. */
  account?: string;
  /** The e-mail address (normalised), if the request names or reaches one. */
  address?: string;
}

/**
 * Counts the request against each limit it names, the client address first;
 * `TooManyRequestsError` with the seconds to the window's end at the first
 * one reached.
 */
export async function admitRecoveryRequest(
  { requestLimits, clock, recoveryLimits }: RecoveryLimitDeps,
  route: LimitedRoute,
  { client, account, address }: LimitSubjects,
): Promise<void> {
  const { nowSeconds, window } = hourWindow(clock);
  const windowEnd = (window + 1) * HOUR_SECONDS;
  const counts: [string, number][] = [];
  if (client !== undefined) {
    counts.push([`${route}:client:${addressKey(client.ip)}`, recoveryLimits.perClientPerHour]);
  }
  if (account !== undefined) {
    counts.push([`${route}:account:${account}`, recoveryLimits.perAccountPerHour]);
  }
  if (address !== undefined) {
    counts.push([`${route}:address:${address}`, recoveryLimits.perAddressPerHour]);
  }
  for (const [key, limit] of counts) {
    const counted = await requestLimits.count({
      key,
      window,
      limit,
      expiresAt: counterExpiresAt(window),
    });
    if (!counted) {
      throw new TooManyRequestsError(
        Math.max(1, Math.ceil(windowEnd - nowSeconds)),
        'Too many requests for this account, address or client; retry later.',
      );
    }
  }
}
