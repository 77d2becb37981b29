/**
 * Recovery codes: ten one-time codes shown once when TOTP is turned on, each
 * usable once in place of a TOTP code (a lost phone).
 *
 * Each has 80 random bits, so it needs no slow hash: it is stored as its
 * SHA-256 (hex) and found by that hash directly (one key of a map on the
 * user's item), not by trying ten password hashes. It is written as four
 * groups of four base32 letters (`ABCD-EFGH-IJKL-MNOP`); case, spaces and
 * dashes do not matter when it is typed back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';

export const RECOVERY_CODE_COUNT = 10;
/** 80 bits: 16 base32 characters. */
export const RECOVERY_CODE_BYTES = 10;

const GROUP = /.{4}/g;

/** Ten fresh codes, as the user sees them. */
export function newRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () =>
    (
      new Secret({ buffer: Uint8Array.from(randomBytes(RECOVERY_CODE_BYTES)).buffer }).base32.match(
        GROUP,
      ) ?? []
    ).join('-'),
  );
}

/** The code as typed, reduced to its 16 base32 characters; `undefined` if it cannot be one. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z2-7]{16}$/.test(code) ? code : undefined;
}

/** What is stored and looked up: the SHA-256 of the normalised code, hex. */
export function recoveryCodeHash(input: string): string | undefined {
  const code = normaliseRecoveryCode(input);
  return code === undefined ? undefined : createHash('sha256').update(code).digest('hex');
}
