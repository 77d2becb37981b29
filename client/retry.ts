/**
 * When to send a request again, and after how long. 429 is retried for any
 * request (the server did nothing) once its `Retry-After` has passed, unless
 * that is longer than the caller agreed to wait; 5xx and network failures
 * only for requests that are safe to repeat. Back-off is exponential with
 * jitter, so many clients do not come back at the same instant.
 */

/** How hard the client tries before giving up on a transient failure. */
export interface RetryPolicy {
  /** Tries in all, the first included. Default 4. */
  attempts: number;
  /** First back-off delay in milliseconds; doubles each time. Default 250. */
  baseDelayMs: number;
  /** Upper bound of a back-off delay. Default 5000. */
  maxDelayMs: number;
  /**
   * Longest `Retry-After` honoured by waiting, in milliseconds; a longer one
   * (a locked account: up to 15 minutes) is handed to the caller as an error
   * carrying `retryAfterSeconds`. Default 10 000.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5000,
  maxRetryAfterMs: 10_000,
};

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date); `undefined` when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential back-off with "equal jitter": between half and all of the capped delay. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return capped / 2 + random() * (capped / 2);
}

/**
 * The delay before trying `response`'s request again, or `undefined` to give
 * the response to the caller. `attempt` counts from 0 (the first try).
 */
export function retryDelayMs(
  response: { status: number; headers: { get(name: string): string | null } },
  attempt: number,
  idempotent: boolean,
  policy: RetryPolicy,
  now: number,
  random: () => number,
): number | undefined {
  if (attempt + 1 >= policy.attempts) return undefined;
  const { status } = response;
  const transient = status === 429 || (idempotent && status >= 500 && status <= 599);
  if (!transient) return undefined;
  const after = retryAfterMs(response.headers.get('retry-after'), now);
  if (after === undefined) return backoffMs(attempt, policy, random);
  return after <= policy.maxRetryAfterMs ? after : undefined;
}
