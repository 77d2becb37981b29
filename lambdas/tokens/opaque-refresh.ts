/**
 * Opaque refresh tokens: `rt1.<sub>.<sid>.<exp>.<secret>`. Only this service
 * ever reads a refresh token, so it needs no public-key signature (and no KMS
 * `Sign`): the token names its session directly, and its secret is a 256-bit
 * nonce followed by an HMAC-SHA256 tag over everything before it, under the
 * refresh-token key (`signing/refresh-token-key.ts`).
 *
 * - The tag tells a token this service issued from a guess without any read,
 *   so a forged token never reaches reuse detection (which ends the session).
 * - A session stores only the token's reference, the SHA-256 of its nonce,
 *   in the attribute a JWT's `jti` used to fill (`refreshJti`): the raw token
 *   is never stored, and the rotation lock and reuse detection compare
 *   references exactly as they compared `jti`s.
 * - The successor of a presented token has a nonce derived from it (HMAC over
 *   the presented token), so a grace-window replay rebuilds the very same
 *   successor from the presented token alone: nothing secret is stored.
 *
 * The format is versioned by its prefix; a JWT never starts with `rt1.`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '../errors';
import { CLOCK_TOLERANCE_SECONDS, type OpaqueRefreshClaims } from './claims';

export const OPAQUE_REFRESH_PREFIX = 'rt1';

/** Supplies the HMAC key (32 bytes) of refresh tokens; loaded once per instance. */
export type RefreshTokenKey = () => Promise<Uint8Array>;

const NONCE_BYTES = 32;
const TAG_BYTES = 32;
const SECRET = /^[A-Za-z0-9_-]{86}$/;
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const EXP = /^[1-9][0-9]{0,11}$/;

/** Domain separation of the key's two uses. */
const TAG_LABEL = `${OPAQUE_REFRESH_PREFIX}:tag\n`;
const SUCCESSOR_LABEL = `${OPAQUE_REFRESH_PREFIX}:successor\n`;

const hmac = (key: Uint8Array, label: string, data: string) =>
  createHmac('sha256', key).update(label).update(data).digest();

/** The reference of a nonce: SHA-256, base64url (43 characters). */
export const referenceOf = (nonce: Uint8Array): string =>
  createHash('sha256').update(nonce).digest('base64url');

/** Whether `token` claims to be an opaque refresh token (a JWT never starts so). */
export const isOpaqueRefreshToken = (token: string): boolean =>
  token.startsWith(`${OPAQUE_REFRESH_PREFIX}.`);

export interface MintInput {
  sub: string;
  sid: string;
  exp: number;
  nonce: Uint8Array;
}

/** The token for this nonce, and its reference. */
export function mintOpaqueRefreshToken(
  key: Uint8Array,
  { sub, sid, exp, nonce }: MintInput,
): { token: string; jti: string } {
  const body = `${OPAQUE_REFRESH_PREFIX}.${sub}.${sid}.${exp}`;
  const encodedNonce = Buffer.from(nonce).toString('base64url');
  const tag = hmac(key, TAG_LABEL, `${body}.${encodedNonce}`);
  return {
    token: `${body}.${Buffer.concat([nonce, tag]).toString('base64url')}`,
    jti: referenceOf(nonce),
  };
}

/** A fresh random nonce (a login). */
export const randomNonce = (): Uint8Array => randomBytes(NONCE_BYTES);

/**
 * The nonce of the token that succeeds `presented` (any refresh token, JWT or
 * opaque): deterministic, so every replay of `presented` gets the same one.
 */
export function successorNonce(key: Uint8Array, presented: string): Uint8Array {
  return hmac(key, SUCCESSOR_LABEL, presented);
}

export interface ReadOptions {
  /** Epoch seconds now. */
  now: number;
  /** Accept a genuine token past its `exp` (logout). */
  allowExpired?: boolean;
}

const invalid = (reason: ConstructorParameters<typeof InvalidTokenError>[0]): never => {
  throw new InvalidTokenError(reason);
};

/**
 * Checks the format and the tag (in constant time) and returns the token's
 * claims; every failure is an {@link InvalidTokenError}. Whether the token is
 * the session's current one is the caller's question.
 */
export function readOpaqueRefreshToken(
  key: Uint8Array,
  token: string,
  { now, allowExpired = false }: ReadOptions,
): OpaqueRefreshClaims {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== OPAQUE_REFRESH_PREFIX) return invalid('malformed');
  const [, sub = '', sid = '', rawExp = '', secret = ''] = parts;
  if (!ID.test(sub) || !ID.test(sid) || !EXP.test(rawExp) || !SECRET.test(secret)) {
    return invalid('malformed');
  }
  const bytes = Buffer.from(secret, 'base64url');
  if (bytes.length !== NONCE_BYTES + TAG_BYTES) return invalid('malformed');
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const tag = bytes.subarray(NONCE_BYTES);
  const body = `${OPAQUE_REFRESH_PREFIX}.${sub}.${sid}.${rawExp}`;
  const expected = hmac(key, TAG_LABEL, `${body}.${nonce.toString('base64url')}`);
  if (!timingSafeEqual(tag, expected)) return invalid('bad_signature');
  const exp = Number(rawExp);
  if (exp <= now - CLOCK_TOLERANCE_SECONDS && !allowExpired) return invalid('expired');
  return { token_use: 'refresh', format: 'opaque', sub, sid, jti: referenceOf(nonce), exp };
}

/**
 * The key of an opaque refresh token's revocation and of its session's
 * `refreshJti` (its reference), from the token alone, without checking its
 * tag: what an operator looks a token up by. `undefined` for anything else.
 */
export function referenceOfToken(token: string): string | undefined {
  const secret = token.split('.')[4] ?? '';
  if (!isOpaqueRefreshToken(token) || !SECRET.test(secret)) return undefined;
  return referenceOf(Buffer.from(secret, 'base64url').subarray(0, NONCE_BYTES));
}

/** Reads opaque refresh tokens with the key, loaded at the first one. */
export type OpaqueRefreshReader = (
  token: string,
  options: ReadOptions,
) => Promise<OpaqueRefreshClaims>;

export function opaqueRefreshReader(key: RefreshTokenKey): OpaqueRefreshReader {
  return async (token, options) => readOpaqueRefreshToken(await key(), token, options);
}

/** Compares two references (or `jti`s) in constant time. */
export function sameReference(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
