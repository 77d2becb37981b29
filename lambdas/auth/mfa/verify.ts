/**
 * The second step of a login with a second factor: `POST /auth/mfa/verify`
 * takes the `mfa_token` that login answered and a code (TOTP, or a recovery
 * code in its place), and opens the session.
 *
 * - The token is found by its hash; unknown, used up, expired (checked in
 *   code), or voided by a password change, logout-all or an operator since
 *   the password was checked (its credentials version moved): 400
 *   `invalid_grant`.
 * - Each code counts twice: on the token (at most 5, one conditional `ADD`)
 *   and on the lockout pair of the account and client address, like a
 *   password; the count that login left there is reset only by the right
 *   code. A wrong code is 401 `invalid_credentials`.
 * - The right code uses the token up with one conditional delete: of two
 *   requests with it exactly one gets a session.
 */
import { epochSeconds } from '../../clock';
import { InvalidCredentialsError, InvalidGrantError, MFA_ERROR_MESSAGES } from '../../errors';
import type { TokenPair } from '../../tokens/issue';
import { RECOVERY_CODE_AMR, TOTP_AMR } from '../amr';
import { addressKey } from '../client-address';
import { admitAttempt, settleAttempt } from '../lockout';
import { type LoginDeps, openSession } from '../login';
import {
  type ClientInfo,
  credentialsVersionOf,
  hasActiveMfa,
  isDisabled,
  type MfaChallenge,
  type MfaChallengeStore,
  type UserRecord,
} from '../ports';
import { MFA_TOKEN_MAX_ATTEMPTS, mfaTokenHash } from './challenge';
import { type SecondFactor, type SecondFactorDeps, useSecondFactor } from './second-factor';

export interface VerifyMfaDeps extends LoginDeps, SecondFactorDeps {
  mfaChallenges: MfaChallengeStore;
}

/** The session's first pair, whose `amr` says which factor was used. */
export async function verifyMfa(
  deps: VerifyMfaDeps,
  { mfaToken, code }: { mfaToken: string; code: string },
  client: ClientInfo,
): Promise<TokenPair> {
  const { mfaChallenges: challenges, clock } = deps;
  const hash = mfaTokenHash(mfaToken);
  const challenge = hash && (await challenges.find(hash, epochSeconds(clock())));
  if (!hash || !challenge) throw new InvalidGrantError();

  const admission = await admitAttempt(
    deps,
    { account: challenge.username, address: addressKey(client.ip) },
    { ceiling: false },
  );
  let user: UserRecord | undefined;
  let factor: SecondFactor | undefined;
  try {
    const now = epochSeconds(clock());
    const counted = await challenges.countAttempt(hash, now, MFA_TOKEN_MAX_ATTEMPTS);
    user = counted === undefined ? undefined : await currentUser(deps, challenge);
    factor = user && (await useSecondFactor(deps, user, code));
  } finally {
    if (!factor) await settleAttempt(deps, admission, false);
  }
  if (!user) throw new InvalidGrantError();
  if (!factor) throw new InvalidCredentialsError(MFA_ERROR_MESSAGES.wrongCode);
  // A concurrent request with the same token and another good code won.
  if (!(await challenges.consume(hash))) throw new InvalidGrantError();
  await settleAttempt(deps, admission, true);
  return openSession(deps, user, client, factor === 'otp' ? TOTP_AMR : RECOVERY_CODE_AMR);
}

/**
 * The challenge's user as it is now, if the challenge still holds for it:
 * the same user, not disabled, TOTP still on, and no credentials change
 * since the password was checked.
 */
async function currentUser(
  { users }: Pick<VerifyMfaDeps, 'users'>,
  challenge: MfaChallenge,
): Promise<UserRecord | undefined> {
  const user = await users.find(challenge.username);
  if (
    user?.userId !== challenge.userId ||
    isDisabled(user) ||
    !hasActiveMfa(user) ||
    credentialsVersionOf(user) !== challenge.credentialsVersion
  ) {
    return undefined;
  }
  return user;
}
