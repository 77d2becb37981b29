/**
 * Password change: the current password must be right; the new hash is
 * stored, and every other session of the user ends. The caller's session
 * stays valid.
 *
 * The hash write also bumps the user's `credentialsVersion`, before the
 * sessions are listed: a login that checked the old password and creates its
 * session after the listing sees the bump when it re-reads the user, and
 * gives its session up (see `login.ts`).
 *
 * The current password is guessable through this route too (with a stolen
 * access token), so an attempt counts on the lockout's (account, address)
 * pair of the caller, and while that pair is locked the route answers 429
 * without hashing. The account's ceiling does not apply: failures from other
 * addresses never block a signed-in owner's password change.
 */
import { InvalidCredentialsError } from '../errors';
import { addressKey } from './client-address';
import { assertNewPassword } from './credential-policy';
import { admitAttempt, type LockoutDeps, settleAttempt } from './lockout';
import type { PasswordHasher } from './passwords';
import type { ClientInfo, SessionStore, UserStore } from './ports';
import type { RevokeSessionDeps } from './revoke-session';
import { revokeSessions } from './sessions';

export interface ChangePasswordDeps extends RevokeSessionDeps, LockoutDeps {
  users: Pick<UserStore, 'find' | 'changePassword'>;
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
  passwords: PasswordHasher;
}

/** Who is asking: the authorizer's identity of the access token. */
export interface Caller {
  userId: string;
  username: string;
  sessionId: string;
}

export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}

/**
 * A new password the policy refuses throws `InvalidRequestError` (400)
 * before anything else. A wrong current password throws `InvalidCredentialsError` (401, no
 * `WWW-Authenticate`) and counts as a failed attempt of the caller's name
 * from its address; a locked pair throws `TooManyRequestsError` (429).
 */
export async function changePassword(
  deps: ChangePasswordDeps,
  caller: Caller,
  { currentPassword, newPassword }: PasswordChangeRequest,
  client: ClientInfo,
): Promise<void> {
  assertNewPassword(newPassword, 'new_password');
  const { users, sessions, passwords } = deps;
  const admission = await admitAttempt(
    deps,
    { account: caller.username, address: addressKey(client.ip) },
    { ceiling: false },
  );
  const found = await users.find(caller.username);
  // The name could in principle belong to someone else now: treat it as unknown.
  const user = found?.userId === caller.userId ? found : undefined;
  const valid = await passwords.verify(currentPassword, user?.passwordHash);
  if (!user || !valid) {
    await settleAttempt(deps, admission, false);
    throw new InvalidCredentialsError('The current password is wrong.');
  }
  await settleAttempt(deps, admission, true);

  const changed = await users.changePassword({
    username: user.username,
    userId: user.userId,
    previousHash: user.passwordHash,
    passwordHash: await passwords.hash(newPassword),
  });
  // A concurrent change won: the password checked above is no longer current.
  if (!changed) throw new InvalidCredentialsError('The current password is wrong.');

  const others = (await sessions.listByUser(caller.userId)).filter(
    (session) => session.sessionId !== caller.sessionId,
  );
  await revokeSessions(deps, others, 'password_changed', client);
}
