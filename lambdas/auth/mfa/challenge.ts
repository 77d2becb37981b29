/**
 * The `mfa_token` of a login waiting for its second factor: 256 random bits,
 * opaque, never signed (no KMS call: one signature per issued pair stays the
 * budget), stored only as its SHA-256. It lives 5 minutes and takes at most
 * 5 codes; the one that succeeds uses it up.
 */
import { createHash, randomBytes } from 'node:crypto';

export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
export const MFA_TOKEN_MAX_ATTEMPTS = 5;

const PREFIX = 'mfa1.';
const TOKEN = /^mfa1\.[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new token and its stored key. */
export function newMfaToken(): { token: string; hash: string } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOf(token) };
}

/** The stored key of a token; `undefined` for a string that cannot be one of ours. */
export function mfaTokenHash(token: string): string | undefined {
  return TOKEN.test(token) ? hashOf(token) : undefined;
}
