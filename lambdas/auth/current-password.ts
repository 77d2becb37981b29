/**
 * The current password, asked again before a signed-in caller changes a
 * credential (the password, the recovery address): a stolen access token
 * alone cannot. It is guessable through these routes too, so each check
 * counts on the lockout's (account, address) pair of the caller, and a
 * locked pair answers 429 without hashing. The account's ceiling does not
 * apply: failures from other addresses never block a signed-in owner.
 */
import { InvalidCredentialsError } from '../errors';
import { addressKey } from './client-address';
import { admitAttempt, type LockoutDeps, settleAttempt } from './lockout';
import type { PasswordHasher } from './passwords';
import type { ClientInfo, UserRecord, UserStore } from './ports';

export interface CurrentPasswordDeps extends LockoutDeps {
  users: Pick<UserStore, 'find'>;
  passwords: Pick<PasswordHasher, 'verify'>;
}

/** Who is asking: the authorizer's identity of the access token. */
export interface Caller {
  userId: string;
  username: string;
  sessionId: string;
}

/**
 * The caller's user item once `password` is its password; a wrong one throws
 * `InvalidCredentialsError` (401, no `WWW-Authenticate`) and counts as a
 * failed attempt from the caller's address, a locked pair `TooManyRequestsError`.
 */
export async function checkCurrentPassword(
  deps: CurrentPasswordDeps,
  caller: Pick<Caller, 'userId' | 'username'>,
  password: string,
  client: ClientInfo,
): Promise<UserRecord> {
  const admission = await admitAttempt(
    deps,
    { account: caller.username, address: addressKey(client.ip) },
    { ceiling: false },
  );
  const found = await deps.users.find(caller.username);
  // The name could in principle belong to someone else now: treat it as unknown.
  const user = found?.userId === caller.userId ? found : undefined;
  const valid = await deps.passwords.verify(password, user?.passwordHash);
  if (!user || !valid) {
    await settleAttempt(deps, admission, false);
    throw new InvalidCredentialsError('The current password is wrong.');
  }
  await settleAttempt(deps, admission, true);
  return user;
}
