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
 * access token), so it is checked as `caller-check.ts` checks every proof of
 * a signed-in caller: counted on the lockout's (account, address) pair of
 * the caller, 429 without hashing while that pair is locked, and never
 * blocked by the account's ceiling.
 */
import { ERROR_MESSAGES } from '../contract/errors';
import { InvalidCredentialsError } from '../errors';
import { type Caller, type CallerCheckDeps, checkCaller, currentPassword } from './caller-check';
import { assertNewPassword } from './credential-policy';
import type { PasswordHasher } from './passwords';
import type { ClientInfo, SessionStore, UserStore } from './ports';
import type { RevokeSessionDeps } from './revoke-session';
import { revokeSessions } from './sessions';

export type { Caller };

export interface ChangePasswordDeps extends RevokeSessionDeps, CallerCheckDeps {
  users: Pick<UserStore, 'find' | 'changePassword'>;
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
  passwords: PasswordHasher;
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
  { currentPassword: password, newPassword }: PasswordChangeRequest,
  client: ClientInfo,
): Promise<void> {
  assertNewPassword(newPassword, 'new_password');
  const { users, sessions, passwords } = deps;
  const { user } = await checkCaller(
    deps,
    caller,
    client,
    currentPassword(passwords, password),
    ERROR_MESSAGES.wrongCurrentPassword,
  );

  const changed = await users.changePassword({
    username: user.username,
    userId: user.userId,
    previousHash: user.passwordHash,
    passwordHash: await passwords.hash(newPassword),
  });
  // A concurrent change won: the password checked above is no longer current.
  if (!changed) throw new InvalidCredentialsError(ERROR_MESSAGES.wrongCurrentPassword);

  const others = (await sessions.listByUser(caller.userId)).filter(
    (session) => session.sessionId !== caller.sessionId,
  );
  await revokeSessions(deps, others, 'password_changed', client);
}
