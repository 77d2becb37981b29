/**
 * What an id of this API looks like: user, session and token ids are all
 * `newId()` (`lambdas/clock.ts`), 128 random bits in base64url, 22 characters,
 * and no other kind was ever issued. An id that cannot be one of ours is
 * refused before it reaches a store: DynamoDB would refuse an over-long key
 * with an error that reads as an outage (503), and a client's typo is no
 * outage. Plain regex, no schema library: any bundle may use it.
 */

/** 22 base64url characters, as `randomBytes(16).toString('base64url')` writes them. */
export const ISSUED_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * An id read back from what this API signed or wrote (a token's claims, a
 * sessions cursor): the same alphabet, with room for a longer id a later
 * release might issue, so that a rolling deploy never refuses one.
 */
export const STORED_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether `value` could be an id this API issued. */
export function isIssuedId(value: unknown): value is string {
  return typeof value === 'string' && ISSUED_ID.test(value);
}
