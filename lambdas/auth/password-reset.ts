/**
 * Forgot password and reset by a link sent to the account's verified address
 * (OWASP's Forgot Password Cheat Sheet).
 *
 * - **No enumeration.** `forgotPassword` answers the same for every request
 *   that names an account well-formedly: nothing comes back, and it takes at
 *   least `forgotMinResponseMs` whether a message went out or not (a
 *   response-time floor: a function cannot keep working after it answers,
 *   and the floor costs nothing but the caller's wait). Whatever fails after
 *   the account was looked up (the token writes, the send) is logged and
 *   answered the same way: a rejected send would otherwise tell that the
 *   account has an address.
 * - **Tokens.** 256 random bits, only their SHA-256 stored: one item per
 *   token (to find its account) and the hash and end on the user's item,
 *   which is the one open reset token of the account. A newer token replaces
 *   it; a password change or an address change removes it. Its end is
 *   checked in code (TTL deletes late) and again in the write that uses it.
 * - **The reset** is one conditional write: the new hash, the credentials
 *   version bumped (a login in flight gives its session up, see `login.ts`),
 *   the token gone, only while the token is still the item's and alive. Of
 *   two uses of one token, one succeeds. Then every session ends, and the
 *   account's lockout counters are cleared. A second factor stays as it is.
 */
import { type Clock, epochSeconds, type Sleep } from '../clock';
import { InvalidGrantError } from '../errors';
import { log } from '../log';
import { assertNewPassword } from './credential-policy';
import { holderOf } from './email';
import { assertNewEmail } from './email-address';
import { passwordResetMail, resetMail } from './email-messages';
import type { PasswordHasher } from './passwords';
import {
  type ClientInfo,
  isDisabled,
  type LoginAttemptStore,
  type MailSender,
  type RecoveryStore,
  type SessionStore,
  type UserRecord,
  type UserStore,
  verifiedEmailOf,
} from './ports';
import { admitRecoveryRequest, type RecoveryLimitDeps } from './recovery-limits';
import {
  hashRecoveryToken,
  isRecoveryTokenShape,
  newRecoveryToken,
  recoveryLink,
} from './recovery-tokens';
import type { RevokeSessionDeps } from './revoke-session';
import { revokeSessions } from './sessions';

export interface ResetSettings {
  /** The page a link opens (`?token=` is added). */
  linkBaseUrl: string;
  /** How long a reset token lasts, seconds. */
  resetTtlSeconds: number;
  /** The least time a forgot request takes, milliseconds. */
  forgotMinResponseMs: number;
}

export interface ForgotPasswordDeps extends RecoveryLimitDeps {
  users: Pick<UserStore, 'find'>;
  recovery: Pick<RecoveryStore, 'findAddress' | 'saveToken' | 'setResetToken'>;
  mail: MailSender;
  clock: Clock;
  sleep: Sleep;
  reset: ResetSettings;
}

/** The account by its (normalised) username or by an address as typed: exactly one. */
export type ForgotRequest = { username: string } | { email: string };

/**
 * `POST /auth/password/forgot`. Sends a reset link to the account's verified
 * address, if it has one and is not disabled; nothing otherwise. Returns
 * nothing either way, never before the floor. A malformed address is
 * `InvalidRequestError` (400), at once: it names no account.
 */
export async function forgotPassword(
  deps: ForgotPasswordDeps,
  request: ForgotRequest,
  client: ClientInfo,
): Promise<void> {
  const named =
    'email' in request ? { address: assertNewEmail(request.email) } : { account: request.username };
  // Counted on what the request names, known or not: a 429 tells nothing about accounts.
  await admitRecoveryRequest(deps, 'forgot', { client, ...named });
  const started = deps.clock().getTime();
  try {
    const user =
      named.address === undefined
        ? await deps.users.find(named.account)
        : await addressHolder(deps, named.address);
    if (user) await sendResetLink(deps, user);
  } finally {
    const left = started + deps.reset.forgotMinResponseMs - deps.clock().getTime();
    if (left > 0) await deps.sleep(left);
  }
}

/** The account that holds `email` verified, if any. */
async function addressHolder(
  { users, recovery }: Pick<ForgotPasswordDeps, 'users' | 'recovery'>,
  email: string,
): Promise<UserRecord | undefined> {
  const claim = await recovery.findAddress(email);
  return claim && holderOf(users, claim);
}

/** A new reset token for `user`, and its link to the verified address; failures are only logged. */
async function sendResetLink(deps: ForgotPasswordDeps, user: UserRecord): Promise<void> {
  const email = verifiedEmailOf(user);
  if (email === undefined || isDisabled(user)) return;
  const { recovery, mail, clock, reset } = deps;
  try {
    const issued = newRecoveryToken();
    const expiresAt = epochSeconds(clock()) + reset.resetTtlSeconds;
    // Saved first: a token item whose account never got its hash resets nothing.
    await recovery.saveToken({
      tokenHash: issued.hash,
      purpose: 'reset_password',
      userId: user.userId,
      username: user.username,
      expiresAt,
    });
    const stored = await recovery.setResetToken({
      username: user.username,
      userId: user.userId,
      email,
      token: { hash: issued.hash, expiresAt },
    });
    // The address changed meanwhile: the link would go to an address the account no longer has.
    if (!stored) return;
    const minutes = Math.max(1, Math.round(reset.resetTtlSeconds / 60));
    await mail.send(
      resetMail(email, recoveryLink(reset.linkBaseUrl, issued.token, 'reset_password'), minutes),
    );
  } catch (error) {
    log('error', 'password reset link not sent', { error, userId: user.userId });
  }
}

export interface ResetPasswordDeps extends RevokeSessionDeps {
  users: Pick<UserStore, 'find'>;
  recovery: Pick<RecoveryStore, 'findToken' | 'consumeResetToken' | 'deleteToken'>;
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
  loginAttempts: Pick<LoginAttemptStore, 'clearAccount'>;
  passwords: PasswordHasher;
  mail: MailSender;
  clock: Clock;
}

export interface ResetRequest {
  token: string;
  newPassword: string;
}

/**
 * `POST /auth/password/reset`. A new password the policy refuses is
 * `InvalidRequestError` (400) first; a token that is not an open reset token
 * of a live account (unknown, used, superseded, ended, or its account's
 * password or address changed since) is `InvalidGrantError` (400). Either
 * changes nothing. On success every session of the account ends (reason
 * `password_reset`), its lockout counters are cleared, and its address is
 * told.
 */
export async function resetPassword(
  deps: ResetPasswordDeps,
  { token, newPassword }: ResetRequest,
  client: ClientInfo,
): Promise<void> {
  assertNewPassword(newPassword, 'new_password');
  const { users, recovery, sessions, passwords, clock } = deps;
  if (!isRecoveryTokenShape(token)) throw new InvalidGrantError();
  const tokenHash = hashRecoveryToken(token);
  const now = epochSeconds(clock());
  const record = await recovery.findToken(tokenHash);
  if (record?.purpose !== 'reset_password' || record.expiresAt <= now) {
    throw new InvalidGrantError();
  }
  const user = await users.find(record.username);
  if (
    user?.userId !== record.userId ||
    user.resetTokenHash !== tokenHash ||
    (user.resetTokenExpiresAt ?? 0) <= now
  ) {
    throw new InvalidGrantError();
  }
  const consumed = await recovery.consumeResetToken({
    username: user.username,
    userId: user.userId,
    tokenHash,
    now,
    passwordHash: await passwords.hash(newPassword),
  });
  // A concurrent use of the token, a newer token or a password change won.
  if (!consumed) throw new InvalidGrantError();

  // Not optional: a failure here is 503, and the new password already works (log in, log out everywhere).
  await revokeSessions(deps, await sessions.listByUser(user.userId), 'password_reset', client);
  await afterReset(deps, user, tokenHash);
}

/** What follows a reset that may fail without undoing it: each step is logged if it does. */
async function afterReset(
  { recovery, loginAttempts, mail }: ResetPasswordDeps,
  user: UserRecord,
  tokenHash: string,
): Promise<void> {
  const steps: [string, () => Promise<unknown>][] = [
    // The owner just proved control of the address: whatever locked the account is over.
    ['lockout counters not cleared', () => loginAttempts.clearAccount(user.username)],
    // Already unusable (the item no longer has its hash); this only tidies the table.
    ['reset token item not deleted', () => recovery.deleteToken(tokenHash)],
  ];
  const email = verifiedEmailOf(user);
  if (email !== undefined) {
    steps.push(['password reset notice not sent', () => mail.send(passwordResetMail(email))]);
  }
  for (const [failure, step] of steps) {
    try {
      await step();
    } catch (error) {
      log('warn', failure, { error, userId: user.userId });
    }
  }
}
