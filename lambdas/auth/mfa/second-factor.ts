/**
 * Checking a second factor: a TOTP code of the user's active factor, or one
 * of the user's recovery codes in its place. Either is used up by one
 * conditional write, so of two requests with the same code exactly one
 * passes: the TOTP step only moves forward (`acceptStep`), a recovery code's
 * hash is removed (`useRecoveryCode`).
 */
import type { Clock } from '../../clock';
import { hasActiveMfa, type MfaStore, type TotpSecretCipher, type UserRecord } from '../ports';
import { recoveryCodeHash } from './recovery-codes';
import { matchingStep } from './totp';

export interface SecondFactorDeps {
  mfa: Pick<MfaStore, 'acceptStep' | 'useRecoveryCode'>;
  totpCipher: Pick<TotpSecretCipher, 'decrypt'>;
  clock: Clock;
}

/** Which factor a code proved: RFC 8176's `otp`, or a recovery code. */
export type SecondFactor = 'otp' | 'recovery_code';

const TOTP_CODE = /^\d{6}$/;

/**
 * Uses `code` as the user's second factor: `undefined` when it is not a
 * current TOTP code, nor an unused recovery code, of the user's active
 * factor, or when a concurrent request used it first.
 */
export async function useSecondFactor(
  { mfa, totpCipher, clock }: SecondFactorDeps,
  user: UserRecord,
  code: string,
): Promise<SecondFactor | undefined> {
  const factor = user.totp;
  if (!factor || !hasActiveMfa(user)) return undefined;
  if (TOTP_CODE.test(code)) {
    const secret = await totpCipher.decrypt(factor.secret, user.userId);
    const step = matchingStep(secret, code, clock(), factor.lastStep);
    if (step === undefined) return undefined;
    return (await mfa.acceptStep(user, factor.secret, step)) ? 'otp' : undefined;
  }
  const hash = recoveryCodeHash(code);
  if (hash === undefined || !Object.hasOwn(user.recoveryCodes ?? {}, hash)) return undefined;
  return (await mfa.useRecoveryCode(user, hash)) ? 'recovery_code' : undefined;
}
