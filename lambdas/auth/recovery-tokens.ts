/**
 * Recovery tokens (address verification, password reset): 256 random bits,
 * base64url, sent only in a link. The service stores only their SHA-256: a
 * copy of the tables yields no working token. A hash without a secret key is
 * enough because the token itself has full entropy (nothing to guess from a
 * hash of 256 random bits).
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
/** What a token of ours looks like: anything else is refused before any read. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new token and the hash to store. */
export function newRecoveryToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashRecoveryToken(token) };
}

/** The stored form of a token. */
export function hashRecoveryToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Whether `token` could be one this service issued. */
export function isRecoveryTokenShape(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * The link of a message: the configured page with `token=<token>` in its
 * query. A reset link also says `purpose=reset_password` before it, so that
 * one page can serve both kinds: it asks for a new password only then.
 */
export function recoveryLink(baseUrl: string, token: string, purpose?: 'reset_password'): string {
  const url = new URL(baseUrl);
  if (purpose) url.searchParams.set('purpose', purpose);
  url.searchParams.set('token', token);
  return url.toString();
}
