/**
 * Login: check the password, open a session, issue its first token pair.
 *
 * A password change or logout-all may run while a login is in flight, and the
 * store has no transactions. Both bump the user's `credentialsVersion` before
 * they list the sessions to revoke; login creates its session first and then
 * reads the version again. Either the re-read sees the bump (the login gives
 * its session up and answers 401), or it came before the bump, so the
 * session existed before the revoker listed them and is revoked with the
 * rest. No order of the steps leaves a usable session behind.
 *
 * Attempts are counted per account and client address before the password
 * is checked (`lockout.ts`): a locked pair, or an account at its ceiling, is
 * refused with 429 before any hashing; a success resets its own pair.
 *
 * An account with a second factor gets no session for the right password:
 * 403 `mfa_required` with an `mfa_token` (`mfa/challenge.ts`), which
 * `mfa/verify.ts` takes with a code. Its attempt stays counted until then.
 */
import { type Clock, epochSeconds, newId } from '../clock';
import { DEFAULTS } from '../config';
import { InvalidCredentialsError, MfaRequiredError } from '../errors';
import { log } from '../log';
import type { TokenIssuer, TokenPair } from '../tokens/issue';
import { PASSWORD_AMR } from './amr';
import { addressKey } from './client-address';
import { admitAttempt, holdAttempt, type LockoutDeps, settleAttempt } from './lockout';
import { MFA_TOKEN_TTL_SECONDS, newMfaToken } from './mfa/challenge';
import type { PasswordHasher } from './passwords';
import {
  type ClientInfo,
  credentialsVersionOf,
  hasActiveMfa,
  isDisabled,
  type MfaChallengeStore,
  type RevokedTokenStore,
  rolesOf,
  type SessionRecord,
  type SessionStore,
  type UserRecord,
  type UserStore,
} from './ports';
import { type RoleScopes, sessionClaimsOf } from './roles';
import { newestFirst, revokeSessions } from './sessions';

export interface LoginDeps extends LockoutDeps {
  users: Pick<UserStore, 'find' | 'rehashPassword'>;
  sessions: Pick<SessionStore, 'create' | 'listByUser' | 'get' | 'remove'>;
  revokedTokens: Pick<RevokedTokenStore, 'revoke'>;
  passwords: PasswordHasher;
  issuer: TokenIssuer;
  clock: Clock;
  /** Role → scopes (setting `roles`): the access token's `scope`. */
  roleScopes: RoleScopes;
  /** Logins of accounts with a second factor wait here for it. */
  mfaChallenges: Pick<MfaChallengeStore, 'create'>;
  /** Live sessions per user; a login beyond it ends the oldest. Default 100. */
  maxSessionsPerUser?: number;
  newId?: () => string;
}

export interface Credentials {
  /** Already normalised by the caller. */
  username: string;
  password: string;
}

/**
 * The most sessions one login ends for the cap. Normally one; more only when a
 * user has far more than the cap (stored before the cap existed, or the cap
 * was lowered): those drain over a few logins, and no login gets slow.
 */
export const MAX_EVICTIONS_PER_LOGIN = 50;

/**
 * Unknown user, wrong password and a disabled user throw the same
 * `InvalidCredentialsError` after the same scrypt work, so neither the body
 * nor the time tells them apart.
 * So does a login overtaken by a password change or logout-all of the user.
 * While the pair is locked, `TooManyRequestsError` (429) comes first, with no
 * scrypt run, for known and unknown names alike. The counters are keyed by
 * the stored name (the name found, whichever normalisation found it), else
 * by the name as given.
 */
export async function login(
  deps: LoginDeps,
  { username, password }: Credentials,
  client: ClientInfo,
): Promise<TokenPair> {
  const { users, passwords } = deps;
  const user = await users.find(username);
  const admission = await admitAttempt(
    deps,
    { account: user?.username ?? username, address: addressKey(client.ip) },
    { ceiling: true },
  );
  const valid = await passwords.verify(password, user?.passwordHash);
  // A user an operator disabled fails here, on the wrong password's own path.
  if (!user || !valid || isDisabled(user)) {
    await settleAttempt(deps, admission, false);
    throw new InvalidCredentialsError();
  }
  if (passwords.needsRehash(user.passwordHash)) await upgradeHash(users, passwords, user, password);
  if (hasActiveMfa(user)) {
    // The login is not over: the count stays until the second factor is in.
    await holdAttempt(deps, admission);
    throw new MfaRequiredError(await startChallenge(deps, user));
  }
  await settleAttempt(deps, admission, true);
  return openSession(deps, user, client, PASSWORD_AMR);
}

/**
 * Opens a session for `user`, whose password (and second factor, if any)
 * was just checked against the item as read, and issues its first pair,
 * which carries `amr`. Fails like a wrong password when a password change or
 * logout-all overtook the check.
 */
export async function openSession(
  deps: LoginDeps,
  user: UserRecord,
  client: ClientInfo,
  amr: readonly string[],
): Promise<TokenPair> {
  const { sessions, issuer, clock, newId: makeId = newId } = deps;
  const sessionId = makeId();
  const sessionExpiresAt = issuer.sessionExpiresAt();
  const pair = await issuer.issuePair({
    sub: user.userId,
    sid: sessionId,
    username: user.username,
    sessionExpiresAt,
    claims: sessionClaimsOf(rolesOf(user), deps.roleScopes),
    amr,
  });
  const session: SessionRecord = {
    userId: user.userId,
    sessionId,
    username: user.username,
    accessJti: pair.access.claims.jti,
    accessExp: pair.access.claims.exp,
    refreshJti: pair.refresh.claims.jti,
    refreshExp: pair.refresh.claims.exp,
    createdAt: clock().toISOString(),
    expiresAt: sessionExpiresAt,
    credentialsVersion: credentialsVersionOf(user),
    amr: [...amr],
    ...client,
  };
  await sessions.create(session);
  await confirmCredentials(deps, user, session);
  await evictOldest(deps, session, client);
  return pair;
}

/** A challenge for the second factor of `user`: its `mfa_token`, stored only as a hash. */
async function startChallenge(deps: LoginDeps, user: UserRecord): Promise<string> {
  const { token, hash } = newMfaToken();
  const at = deps.clock();
  await deps.mfaChallenges.create({
    tokenHash: hash,
    userId: user.userId,
    username: user.username,
    credentialsVersion: credentialsVersionOf(user),
    attempts: 0,
    expiresAt: epochSeconds(at) + MFA_TOKEN_TTL_SECONDS,
    createdAt: at.toISOString(),
  });
  return token;
}

/**
 * Reads the user again after the session exists. If its credentials version
 * moved since the password was checked, a password change or logout-all
 * overtook this login: the session is deleted (its tokens never left this
 * function) and the login fails like a wrong password.
 */
async function confirmCredentials(
  { users, sessions }: Pick<LoginDeps, 'users' | 'sessions'>,
  checked: UserRecord,
  session: SessionRecord,
): Promise<void> {
  let current: UserRecord | undefined;
  try {
    current = await users.find(checked.username);
  } catch (error) {
    await abandon(sessions, session);
    throw error;
  }
  if (
    current?.userId !== checked.userId ||
    credentialsVersionOf(current) !== credentialsVersionOf(checked)
  ) {
    await abandon(sessions, session);
    throw new InvalidCredentialsError();
  }
}

/** Deletes a session whose tokens were never handed out. Best effort: nobody holds them. */
async function abandon(
  sessions: Pick<SessionStore, 'remove'>,
  session: SessionRecord,
): Promise<void> {
  try {
    await sessions.remove(session.userId, session.sessionId, session.refreshJti);
  } catch (error) {
    log('warn', 'could not delete an abandoned session; its tokens were never issued', {
      sub: session.userId,
      sid: session.sessionId,
      error,
    });
  }
}

/**
 * Enforces `maxSessionsPerUser`: ends the oldest sessions beyond it (reason
 * `session_evicted`), only ever sessions older than this one, so concurrent
 * logins never end each other's new sessions: the newest survive, and the cap
 * may be exceeded briefly by the logins in flight. Best effort: a failure
 * leaves the excess to the next login, which ends all of it (up to
 * {@link MAX_EVICTIONS_PER_LOGIN}).
 */
async function evictOldest(
  deps: LoginDeps,
  session: SessionRecord,
  client: ClientInfo,
): Promise<void> {
  const cap = deps.maxSessionsPerUser ?? DEFAULTS.maxSessionsPerUser;
  try {
    const live = await deps.sessions.listByUser(session.userId);
    if (live.length <= cap) return;
    const older = live.filter((other) => newestFirst(session, other) < 0).sort(newestFirst);
    const excess = Math.min(live.length - cap, older.length, MAX_EVICTIONS_PER_LOGIN);
    if (excess <= 0) return;
    await revokeSessions(deps, older.slice(-excess), 'session_evicted', client);
  } catch (error) {
    log('warn', 'session cap not enforced at this login; the next one will', {
      sub: session.userId,
      error,
    });
  }
}

/**
 * Re-hashes a password stored with older parameters, now that the plain text
 * is at hand. Best effort: the login goes on if the write fails, and a
 * concurrent password change wins (the update is conditional on the old hash).
 * The credentials version stays: the password is the same.
 */
async function upgradeHash(
  users: Pick<UserStore, 'rehashPassword'>,
  passwords: PasswordHasher,
  user: UserRecord,
  password: string,
): Promise<void> {
  try {
    await users.rehashPassword({
      username: user.username,
      userId: user.userId,
      previousHash: user.passwordHash,
      passwordHash: await passwords.hash(password),
    });
  } catch (error) {
    log('warn', 'password re-hash failed; the old hash stays', { sub: user.userId, error });
  }
}
