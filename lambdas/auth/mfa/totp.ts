/**
 * TOTP (RFC 6238) as this service uses it: HMAC-SHA-1, 6 digits, 30-second
 * steps, a 160-bit secret (RFC 4226's recommendation) — the parameters every
 * authenticator app reads from an `otpauth://` URI. The codes come from
 * `otpauth`, a maintained library; this module only decides which time
 * steps a code may match.
 *
 * A code is accepted for the current step or one step either side (30 s of
 * clock drift each way), and only for a step later than the last one the
 * user had accepted: the caller advances that step with a conditional write,
 * so each code works once.
 */
import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret } from 'otpauth';

/** Seconds per time step (RFC 6238's X). */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ALGORITHM = 'SHA1';
/** 160 bits: RFC 4226 §4 recommends it, and it is what authenticator apps expect. */
export const TOTP_SECRET_BYTES = 20;
/** Steps accepted on either side of the current one. */
export const TOTP_DRIFT_STEPS = 1;

/** The parameters of one code computation; the defaults are this service's. */
export interface TotpParameters {
  algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
  digits?: number;
}

/** A fresh random secret. */
export function newTotpSecret(): Uint8Array {
  return new Secret({ size: TOTP_SECRET_BYTES }).bytes;
}

/** The secret as an authenticator app's manual entry takes it (RFC 4648 base32, no padding). */
export function base32Secret(secret: Uint8Array): string {
  return secretOf(secret).base32;
}

/** The time step of an instant (RFC 6238's T). */
export function timeStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of one time step. */
export function totpCode(
  secret: Uint8Array,
  step: number,
  parameters: TotpParameters = {},
): string {
  return HOTP.generate({
    secret: secretOf(secret),
    algorithm: parameters.algorithm ?? TOTP_ALGORITHM,
    digits: parameters.digits ?? TOTP_DIGITS,
    counter: step,
  });
}

/**
 * The step `code` is the code of: the current step or one either side,
 * never one at or before `lastStep` (a code already used, or an older one).
 * `undefined` when none matches. Compared in constant time.
 */
export function matchingStep(
  secret: Uint8Array,
  code: string,
  at: Date,
  lastStep?: number,
): number | undefined {
  const now = timeStep(at);
  const given = Buffer.from(code, 'utf8');
  let matched: number | undefined;
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (lastStep !== undefined && step <= lastStep) continue;
    const expected = Buffer.from(totpCode(secret, step), 'utf8');
    // Every candidate is computed and compared: the time says nothing about which matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched ??= step;
  }
  return matched;
}

/**
 * The `otpauth://totp/…` URI an authenticator app scans (Google's Key Uri
 * Format): the service's name as issuer, the username as the account. Built
 * here rather than by otpauth's URI class, which would add its parser to
 * every bundle that checks a code.
 */
export function otpauthUri(secret: Uint8Array, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    issuer,
    secret: base32Secret(secret),
    algorithm: TOTP_ALGORITHM,
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replaceAll('+', '%20')}`;
}

function secretOf(bytes: Uint8Array): Secret {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer });
}
