/**
 * Turning TOTP on and off (docs/api.md, "Second factor").
 *
 * - `beginTotpEnrolment` (Bearer and the current password, so a stolen
 *   access token cannot enrol the thief's authenticator) makes a secret,
 *   stores it encrypted as a pending factor and hands it out once.
 * - `confirmTotpEnrolment` (a first code of that secret) activates it and
 *   hands out the ten recovery codes once. It needs no password: only the
 *   holder of the password could have made the pending secret, and only
 *   whoever got it then can produce its codes.
 * - `removeTotp` (the current password and a code, or a recovery code)
 *   removes the factor and its recovery codes.
 *
 * Turning the factor on or off ends every other session of the account, and
 * bumps the credentials version in the same write, so a login in flight
 * that checked the password under the old rule gives its session up.
 * Every proof counts on the caller's lockout pair (`caller-check.ts`).
 */
import { ERROR_MESSAGES } from '../../contract/errors';
import { InvalidRequestError, MFA_ERROR_MESSAGES } from '../../errors';
import { type Caller, type CallerCheckDeps, checkCaller, currentPassword } from '../caller-check';
import type { PasswordHasher } from '../passwords';
import {
  type ClientInfo,
  hasActiveMfa,
  type MfaStore,
  type SessionStore,
  type TotpSecretCipher,
  type UserRecord,
} from '../ports';
import type { RevokeSessionDeps } from '../revoke-session';
import { revokeSessions } from '../sessions';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes';
import { type SecondFactorDeps, useSecondFactor } from './second-factor';
import { base32Secret, matchingStep, newTotpSecret, otpauthUri } from './totp';

export interface EnrolmentDeps extends CallerCheckDeps, RevokeSessionDeps, SecondFactorDeps {
  mfa: MfaStore;
  totpCipher: TotpSecretCipher;
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
  passwords: PasswordHasher;
  /** The issuer an authenticator app shows beside the username (the tokens' audience). */
  totpIssuer: string;
}

export const MFA_MESSAGES = {
  alreadyOn: 'TOTP is already on; turn it off first.',
  nonePending: 'No TOTP enrolment is pending; start one first.',
  notOn: MFA_ERROR_MESSAGES.notOn,
  wrongCode: MFA_ERROR_MESSAGES.wrongCode,
  wrongPasswordOrCode: 'The current password or the code is wrong.',
} as const;

export interface TotpEnrolment {
  /** Base32, for manual entry. */
  secret: string;
  otpauthUri: string;
}

/**
 * A new pending factor for the caller, replacing a pending one. 401
 * `invalid_credentials` for a wrong password, 400 while a factor is active.
 */
export async function beginTotpEnrolment(
  deps: EnrolmentDeps,
  caller: Caller,
  password: string,
  client: ClientInfo,
): Promise<TotpEnrolment> {
  const { user } = await checkCaller(
    deps,
    caller,
    client,
    currentPassword(deps.passwords, password),
    ERROR_MESSAGES.wrongCurrentPassword,
  );
  if (hasActiveMfa(user)) throw new InvalidRequestError(MFA_MESSAGES.alreadyOn);
  const secret = newTotpSecret();
  const began = await deps.mfa.beginTotp(user, {
    state: 'pending',
    secret: await deps.totpCipher.encrypt(secret, user.userId),
    createdAt: deps.clock().toISOString(),
  });
  // A concurrent enrolment of the same user was confirmed in between.
  if (!began) throw new InvalidRequestError(MFA_MESSAGES.alreadyOn);
  return {
    secret: base32Secret(secret),
    otpauthUri: otpauthUri(secret, deps.totpIssuer, user.username),
  };
}

/**
 * Activates the caller's pending factor with a first code of it; answers the
 * recovery codes, shown this once. 400 when nothing is pending; 401 for a
 * wrong code.
 */
export async function confirmTotpEnrolment(
  deps: EnrolmentDeps,
  caller: Caller,
  code: string,
  client: ClientInfo,
): Promise<{ recoveryCodes: string[] }> {
  const { user, value: step } = await checkCaller(
    deps,
    caller,
    client,
    async (user) => {
      const pending = user?.totp?.state === 'pending' ? user.totp : undefined;
      if (!user || !pending) throw new InvalidRequestError(MFA_MESSAGES.nonePending);
      const secret = await deps.totpCipher.decrypt(pending.secret, user.userId);
      return matchingStep(secret, code, deps.clock());
    },
    MFA_MESSAGES.wrongCode,
  );
  const recoveryCodes = newRecoveryCodes();
  const confirmed = await deps.mfa.confirmTotp(user, {
    secret: (user.totp as NonNullable<UserRecord['totp']>).secret,
    step,
    confirmedAt: deps.clock().toISOString(),
    recoveryCodeHashes: recoveryCodes.map((recoveryCode) => recoveryCodeHash(recoveryCode) ?? ''),
  });
  // Replaced by a new enrolment, or confirmed by a concurrent request, meanwhile.
  if (!confirmed) throw new InvalidRequestError(MFA_MESSAGES.nonePending);
  await endOtherSessions(deps, caller, client);
  return { recoveryCodes };
}

/**
 * Removes the caller's factor and its recovery codes, given the current
 * password and a code (TOTP or recovery). 400 when no factor is active; 401
 * when the password or the code is wrong (one answer for both).
 */
export async function removeTotp(
  deps: EnrolmentDeps,
  caller: Caller,
  { password, code }: { password: string; code: string },
  client: ClientInfo,
): Promise<void> {
  const passwordCheck = currentPassword(deps.passwords, password);
  const { user } = await checkCaller(
    deps,
    caller,
    client,
    async (candidate) => {
      const user = await passwordCheck(candidate);
      if (!user) return undefined;
      if (!hasActiveMfa(user)) throw new InvalidRequestError(MFA_MESSAGES.notOn);
      return useSecondFactor(deps, user, code);
    },
    MFA_MESSAGES.wrongPasswordOrCode,
  );
  const secret = (user.totp as NonNullable<UserRecord['totp']>).secret;
  // Removed by a concurrent request meanwhile: nothing is left to remove.
  if (!(await deps.mfa.removeTotp(user, secret))) throw new InvalidRequestError(MFA_MESSAGES.notOn);
  await endOtherSessions(deps, caller, client);
}

/** Every session of the caller's account but the caller's own. */
async function endOtherSessions(
  deps: EnrolmentDeps,
  caller: Caller,
  client: ClientInfo,
): Promise<void> {
  const others = (await deps.sessions.listByUser(caller.userId)).filter(
    (session) => session.sessionId !== caller.sessionId,
  );
  await revokeSessions(deps, others, 'mfa_changed', client);
}
