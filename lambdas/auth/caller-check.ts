/**
 * A signed-in caller proving something again (the current password, a TOTP
 * code): what a stolen access token alone must not be enough for.
 *
 * Each proof is guessable through its route, so it counts on the lockout's
 * (account, address) pair of the caller, like a login: while that pair is
 * locked the route answers 429 before checking anything. The account's
 * ceiling does not apply: failures from other addresses never block a
 * signed-in owner.
 */
import { InvalidCredentialsError } from '../errors';
import { addressKey } from './client-address';
import { admitAttempt, type LockoutDeps, settleAttempt } from './lockout';
import type { PasswordHasher } from './passwords';
import type { ClientInfo, UserRecord, UserStore } from './ports';

export interface CallerCheckDeps extends LockoutDeps {
  users: Pick<UserStore, 'find'>;
}

/** Who is asking: the authorizer's identity of the access token. */
export interface Caller {
  userId: string;
  username: string;
  sessionId: string;
}

/**
 * Counts an attempt on the caller's pair, reads the caller's user and runs
 * `check` on it (`undefined` when the name now belongs to someone else, or
 * to nobody: `check` must then fail after the same work). A check that
 * yields `undefined` fails with `InvalidCredentialsError(message)` (401) and
 * counts as a failure; one that throws counts as a failure too.
 */
export async function checkCaller<T>(
  deps: CallerCheckDeps,
  caller: Caller,
  client: ClientInfo,
  check: (user: UserRecord | undefined) => Promise<T | undefined>,
  message: string,
): Promise<{ user: UserRecord; value: T }> {
  const admission = await admitAttempt(
    deps,
    { account: caller.username, address: addressKey(client.ip) },
    { ceiling: false },
  );
  let user: UserRecord | undefined;
  let value: T | undefined;
  try {
    const found = await deps.users.find(caller.username);
    user = found?.userId === caller.userId ? found : undefined;
    value = await check(user);
  } catch (error) {
    await settleAttempt(deps, admission, false);
    throw error;
  }
  if (!user || value === undefined) {
    await settleAttempt(deps, admission, false);
    throw new InvalidCredentialsError(message);
  }
  await settleAttempt(deps, admission, true);
  return { user, value };
}

/** The check of a current password: the user when it is theirs (same hashing work for nobody). */
export function currentPassword(passwords: PasswordHasher, password: string) {
  return async (user: UserRecord | undefined): Promise<UserRecord | undefined> =>
    (await passwords.verify(password, user?.passwordHash)) ? user : undefined;
}
