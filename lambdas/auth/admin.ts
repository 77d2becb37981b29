/**
 * What an operator does to an account during an incident: look at it,
 * disable or enable it, list and end its sessions, reset its password, look
 * up a revocation, reset its second factor. Plain functions over the ports,
 * like the rest of the domain: the admin CLI (`admin/`) is a thin adapter
 * that picks the stores (local data or a deployed stack) and prints the
 * results.
 *
 * Disabling follows logout-all's order: one conditional write marks the user
 * disabled and bumps its `credentialsVersion`, then its sessions are listed
 * and revoked. A login in flight either created its session before the
 * listing (and is revoked with the rest) or re-reads the user after the bump
 * and gives its session up (see `login.ts`); any later login reads the mark
 * and fails like a wrong password. Refresh and every protected route refuse
 * the revoked tokens on the next request, with no extra read on their path.
 *
 * Every action that changes something is audited: first a durable record
 * in the AdminAudit table (who, when, what, on whom, why), written before the
 * action runs so that no change happens unrecorded (an action that fails
 * afterwards keeps its record); then on the revocation items it writes
 * (`actor`, `action`, `note`) and as one structured log line with the outcome.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { NotFoundError, UnavailableError } from '../errors';
import { log } from '../log';
import { referenceOfToken } from '../tokens/opaque-refresh';
import { assertNewPassword } from './credential-policy';
import { legacyNormaliseUsername, normaliseUsername } from './credentials-rules';
import type { EmailSettings } from './email';
import type { PasswordHasher } from './passwords';
import {
  type AdminAction,
  type AdminAuditEntry,
  type AdminAuditStore,
  type ClientInfo,
  credentialsVersionOf,
  isDisabled,
  type MailSender,
  type MfaStore,
  type RecoveryStore,
  type Revocation,
  type RevocationReason,
  type RevokedTokenStore,
  rolesOf,
  type SessionRecord,
  type SessionStore,
  type StatusChange,
  type UserRecord,
  type UserRoleStore,
  type UserStore,
  verifiedEmailOf,
} from './ports';
import type { RevokeSessionDeps } from './revoke-session';
import { assertRoleName, type RoleScopes, scopesOf, withRole } from './roles';
import {
  newestFirst,
  overview,
  REVOCATION_CONCURRENCY,
  revokeSessions,
  type SessionOverview,
} from './sessions';

/** Who acts, and why: written on every revocation and log line of the action. */
export interface Operator {
  /** An IAM principal ARN (deployed stack) or `user@host` (local data). */
  actor: string;
  /** The operator's `--reason`, if given. */
  note?: string;
  /** Where the action comes from, recorded as the revocations' client (e.g. the CLI and host). */
  client?: ClientInfo;
}

/** Failed logins and lockout of a user, as the login lockout records them (per client address). */
export interface LockoutState {
  /** Attempts counted since each address's last success, over all addresses. */
  failures: number;
  /** Addresses with counted attempts. */
  addresses?: number;
  /** Addresses locked now. */
  lockedAddresses?: number;
  /** ISO 8601 end of the latest lock of an address; absent when none is locked. */
  lockedUntil?: string;
  /** Attempts counted this hour against the account's ceiling. */
  attemptsThisHour?: number;
  /** ISO 8601 end of the hour, when the ceiling is reached. */
  ceilingUntil?: string;
}

/**
 * Reads and clears a user's lockout. Optional: where no lockout is tracked
 * (or the adapter does not wire it), `showUser` says so instead of guessing.
 */
export interface LockoutReader {
  lockoutOf(username: string): Promise<LockoutState | undefined>;
  /** Forgets every count and lock of the account; returns how many counters it deleted. */
  clear(username: string): Promise<number>;
}

export interface AdminDeps extends RevokeSessionDeps {
  /**
   * Where each action is recorded before it runs. Absent only for a stack
   * deployed before the AdminAudit table existed: the log line is then the
   * only record, and the CLI says so.
   */
  auditLog?: AdminAuditStore;
  users: Pick<UserStore, 'find' | 'disable' | 'enable' | 'changePassword'>;
  /** Needed by {@link grantRole} and {@link revokeRole} only. */
  userRoles?: UserRoleStore;
  /** Role → scopes, as the target's functions have it; absent: unknown here (roles only). */
  roleScopes?: RoleScopes;
  sessions: Pick<SessionStore, 'listByUser' | 'get' | 'remove'>;
  revokedTokens: Pick<RevokedTokenStore, 'revoke' | 'find'>;
  clock: Clock;
  /** Needed by {@link resetPassword} only. */
  passwords?: PasswordHasher;
  /** Needed by {@link resetMfa} only. */
  mfa?: Pick<MfaStore, 'removeTotp'>;
  lockouts?: LockoutReader;
  /** Needed by `setUserEmail` (admin-email.ts) only: verified addresses' owners, e-mail writes. */
  recovery?: RecoveryStore;
  /** Where messages go; absent where the target sends none (a deployed stack). */
  mail?: MailSender;
  /** The page a link opens and the verification lifetime, with `mail`. */
  email?: EmailSettings;
  /** Told after each batch of a long revocation: `done` of `total` sessions. */
  onProgress?: (done: number, total: number) => void;
}

/** The user as `users show` presents it. */
export interface UserOverview {
  username: string;
  userId: string;
  createdAt: string;
  disabled: boolean;
  statusChangedAt?: string;
  statusChangedBy?: string;
  statusNote?: string;
  credentialsVersion: number;
  roles: string[];
  /** The account's e-mail address, if any (recovery). */
  email?: string;
  /** Whether that address is verified; false without one. */
  emailVerified: boolean;
  /** The second factor. */
  mfa: MfaOverview;
  liveSessions: number;
  /** `null` when lockout is not tracked here; `undefined` fields: no failures recorded. */
  lockout: LockoutState | null;
}

/** A user's second factor as `users show` presents it (never its secret). */
export interface MfaOverview {
  /** `off`: none (and items stored before MFA existed); `pending`: enrolled, not confirmed yet. */
  state: 'off' | 'pending' | 'active';
  /** ISO 8601: when it was confirmed (active) or begun (pending). */
  since?: string;
  /** Unused recovery codes of an active factor. */
  recoveryCodesLeft: number;
}

/** What `users show` tells of the user's second factor. */
export function mfaOverview(user: Pick<UserRecord, 'totp' | 'recoveryCodes'>): MfaOverview {
  const factor = user.totp;
  if (!factor) return { state: 'off', recoveryCodesLeft: 0 };
  const since =
    factor.state === 'active' ? (factor.confirmedAt ?? factor.createdAt) : factor.createdAt;
  return {
    state: factor.state,
    since,
    recoveryCodesLeft: factor.state === 'active' ? Object.keys(user.recoveryCodes ?? {}).length : 0,
  };
}

/** A session as an operator sees it. */
export type AdminSessionSummary = SessionOverview;

/** What an action that ends sessions did. */
export interface SessionsEnded {
  username: string;
  userId: string;
  sessionsRevoked: number;
}

/**
 * The user named `rawName` as an operator typed it: normalised like a login
 * (and found under the first releases' normalisation too). `NotFoundError`
 * when there is none.
 */
export async function findUser(
  users: Pick<UserStore, 'find'>,
  rawName: string,
): Promise<UserRecord> {
  const username = normaliseUsername(rawName);
  const legacy = legacyNormaliseUsername(rawName);
  const user =
    (await users.find(username)) ?? (legacy !== username ? await users.find(legacy) : undefined);
  if (!user) throw new NotFoundError(`No user named "${username}".`);
  return user;
}

/** The user, its status, its lockout state and how many live sessions it has. */
export async function showUser(deps: AdminDeps, rawName: string): Promise<UserOverview> {
  const user = await findUser(deps.users, rawName);
  const [sessions, lockout] = await Promise.all([
    deps.sessions.listByUser(user.userId),
    deps.lockouts ? deps.lockouts.lockoutOf(user.username) : Promise.resolve(null),
  ]);
  return {
    username: user.username,
    userId: user.userId,
    createdAt: user.createdAt,
    disabled: isDisabled(user),
    ...(user.statusChangedAt ? { statusChangedAt: user.statusChangedAt } : {}),
    ...(user.statusChangedBy ? { statusChangedBy: user.statusChangedBy } : {}),
    ...(user.statusNote ? { statusNote: user.statusNote } : {}),
    credentialsVersion: credentialsVersionOf(user),
    roles: rolesOf(user),
    ...(user.email ? { email: user.email } : {}),
    emailVerified: verifiedEmailOf(user) !== undefined,
    mfa: mfaOverview(user),
    liveSessions: sessions.length,
    lockout: lockout === null ? null : (lockout ?? { failures: 0 }),
  };
}

/** Every live session of the user, newest first. */
export async function listUserSessions(
  deps: Pick<AdminDeps, 'users' | 'sessions'>,
  rawName: string,
): Promise<{ username: string; userId: string; sessions: AdminSessionSummary[] }> {
  const user = await findUser(deps.users, rawName);
  const sessions = (await deps.sessions.listByUser(user.userId)).sort(newestFirst);
  return {
    username: user.username,
    userId: user.userId,
    sessions: sessions.map(overview),
  };
}

/** The revocation store of `deps`, writing the operator's audit fields on every revocation. */
function audited(deps: AdminDeps, operator: Operator, action: AdminAction): AdminDeps {
  const audit = {
    actor: operator.actor,
    action,
    ...(operator.note !== undefined ? { note: operator.note } : {}),
  };
  return {
    ...deps,
    revokedTokens: {
      ...deps.revokedTokens,
      revoke: (revocation) => deps.revokedTokens.revoke({ ...revocation, ...audit }),
    },
  };
}

/**
 * Ends `targets` with `reason`, a batch at a time so that a long run reports
 * its progress; each batch runs {@link REVOCATION_CONCURRENCY} sessions at once.
 */
async function endSessions(
  deps: AdminDeps,
  targets: readonly SessionRecord[],
  reason: RevocationReason,
  operator: Operator,
): Promise<void> {
  const batch = REVOCATION_CONCURRENCY * 4;
  for (let start = 0; start < targets.length; start += batch) {
    await revokeSessions(deps, targets.slice(start, start + batch), reason, operator.client ?? {});
    deps.onProgress?.(Math.min(start + batch, targets.length), targets.length);
  }
}

/**
 * Records the action durably before it runs: if the record cannot be written,
 * the action does not happen (the store's error stands).
 */
export async function record(
  deps: Pick<AdminDeps, 'auditLog' | 'clock'>,
  action: string,
  operator: Operator,
  user: Pick<UserRecord, 'username' | 'userId'>,
  details?: Record<string, string>,
): Promise<void> {
  const entry: AdminAuditEntry = {
    at: deps.clock().toISOString(),
    actor: operator.actor,
    action,
    username: user.username,
    userId: user.userId,
    ...(operator.note !== undefined ? { note: operator.note } : {}),
    ...(details ? { details } : {}),
  };
  await deps.auditLog?.record(entry);
}

/** The newest audit records first (at most `limit`), only those of one user if `rawName` is given. */
export async function listAudit(
  deps: Pick<AdminDeps, 'auditLog'>,
  options: { limit: number; rawName?: string },
): Promise<AdminAuditEntry[]> {
  if (!deps.auditLog) throw new NotFoundError('This deployment keeps no audit table.');
  return deps.auditLog.list({
    limit: options.limit,
    ...(options.rawName !== undefined ? { username: normaliseUsername(options.rawName) } : {}),
  });
}

/** The structured log line of an operator's action, with its outcome. */
export function audit(
  action: string,
  operator: Operator,
  user: Pick<UserRecord, 'username' | 'userId'>,
  fields: Record<string, unknown> = {},
): void {
  log('info', 'admin action', {
    action,
    actor: operator.actor,
    ...(operator.note !== undefined ? { note: operator.note } : {}),
    username: user.username,
    sub: user.userId,
    ...fields,
  });
}

/**
 * Disables the user: it can no longer log in (401 `invalid_credentials`,
 * exactly like a wrong password), a login in flight gives up, and every one
 * of its sessions is revoked (reason `user_disabled`). Running it again on a
 * disabled user revokes whatever session is left: a retry finishes the job.
 */
export async function disableUser(
  deps: AdminDeps,
  rawName: string,
  operator: Operator,
): Promise<SessionsEnded & { wasDisabled: boolean }> {
  const user = await findUser(deps.users, rawName);
  await record(deps, 'disable_user', operator, user);
  const marked = await deps.users.disable(statusChange(deps, user, operator));
  if (!marked) throw new NotFoundError(`No user named "${user.username}".`);
  const sessions = await deps.sessions.listByUser(user.userId);
  await endSessions(audited(deps, operator, 'disable_user'), sessions, 'user_disabled', operator);
  audit('disable_user', operator, user, { sessionsRevoked: sessions.length });
  return {
    username: user.username,
    userId: user.userId,
    wasDisabled: isDisabled(user),
    sessionsRevoked: sessions.length,
  };
}

/** Who changes the status of `user`, when and why, as the Users item records it. */
function statusChange(
  { clock }: Pick<AdminDeps, 'clock'>,
  user: Pick<UserRecord, 'username' | 'userId'>,
  operator: Operator,
): StatusChange {
  return {
    username: user.username,
    userId: user.userId,
    at: clock().toISOString(),
    by: operator.actor,
    ...(operator.note !== undefined ? { note: operator.note } : {}),
  };
}

/** Lets a disabled user log in again. Its ended sessions stay ended. */
export async function enableUser(
  deps: AdminDeps,
  rawName: string,
  operator: Operator,
): Promise<{ username: string; userId: string; wasDisabled: boolean }> {
  const user = await findUser(deps.users, rawName);
  await record(deps, 'enable_user', operator, user);
  const cleared = await deps.users.enable(statusChange(deps, user, operator));
  if (!cleared) throw new NotFoundError(`No user named "${user.username}".`);
  audit('enable_user', operator, user);
  return { username: user.username, userId: user.userId, wasDisabled: isDisabled(user) };
}

/** Which sessions {@link revokeUserSessions} ends. */
export type SessionSelection = { all: true } | { sessionId: string };

/**
 * Ends one session of the user, or all of them (reason `admin_revoked`). An
 * unknown session id (or one of another user) is `NotFoundError`. Unlike
 * disabling, the user may log in again at once.
 */
export async function revokeUserSessions(
  deps: AdminDeps,
  rawName: string,
  selection: SessionSelection,
  operator: Operator,
): Promise<SessionsEnded> {
  const user = await findUser(deps.users, rawName);
  let targets: SessionRecord[];
  if ('all' in selection) {
    targets = await deps.sessions.listByUser(user.userId);
  } else {
    const session = await deps.sessions.get(user.userId, selection.sessionId);
    if (!session) {
      throw new NotFoundError(`${user.username} has no live session ${selection.sessionId}.`);
    }
    targets = [session];
  }
  await record(
    deps,
    'revoke_sessions',
    operator,
    user,
    'sessionId' in selection ? { sessionId: selection.sessionId } : { sessions: 'all' },
  );
  await endSessions(audited(deps, operator, 'revoke_sessions'), targets, 'admin_revoked', operator);
  audit('revoke_sessions', operator, user, {
    sessionsRevoked: targets.length,
    ...('sessionId' in selection ? { sid: selection.sessionId } : { all: true }),
  });
  return { username: user.username, userId: user.userId, sessionsRevoked: targets.length };
}

/** Bytes of a generated password: 144 bits, 24 base64url characters. */
const GENERATED_PASSWORD_BYTES = 18;

/** A random password for an operator to hand over once. */
export function generatePassword(): string {
  return randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
}

/** Concurrent password changes a reset retries through before giving up. */
const RESET_ATTEMPTS = 3;

/**
 * Sets a new password (the given one, or a generated one when `password` is
 * undefined) and ends every session of the user (reason `admin_revoked`).
 * The write bumps `credentialsVersion`, so a login in flight with the old
 * password gives up. A disabled user stays disabled. A given password that
 * the password policy refuses is `InvalidRequestError` (it used to check the
 * length alone, and accepted `password123`). Returns the password
 * set: the caller shows it once.
 */
export async function resetPassword(
  deps: AdminDeps,
  rawName: string,
  password: string | undefined,
  operator: Operator,
): Promise<SessionsEnded & { password: string; disabled: boolean }> {
  if (!deps.passwords) throw new Error('resetPassword needs a password hasher.');
  const next = password ?? generatePassword();
  assertNewPassword(next);
  const passwordHash = await deps.passwords.hash(next);

  let user = await findUser(deps.users, rawName);
  await record(deps, 'reset_password', operator, user);
  for (let attempt = 1; ; attempt++) {
    const changed = await deps.users.changePassword({
      username: user.username,
      userId: user.userId,
      previousHash: user.passwordHash,
      passwordHash,
    });
    if (changed) break;
    // The user changed its password (or re-hashed it at login) meanwhile: read it again.
    if (attempt >= RESET_ATTEMPTS) throw new UnavailableError();
    user = await findUser(deps.users, user.username);
  }
  const sessions = await deps.sessions.listByUser(user.userId);
  await endSessions(audited(deps, operator, 'reset_password'), sessions, 'admin_revoked', operator);
  // The new password is the operator's answer to a lockout too: the user logs in with it at once.
  const countersCleared = deps.lockouts ? await deps.lockouts.clear(user.username) : 0;
  audit('reset_password', operator, user, { sessionsRevoked: sessions.length, countersCleared });
  return {
    username: user.username,
    userId: user.userId,
    password: next,
    disabled: isDisabled(user),
    sessionsRevoked: sessions.length,
  };
}

/** Concurrent factor changes a reset retries through before giving up. */
const MFA_RESET_ATTEMPTS = 3;

/**
 * Removes the user's second factor, pending or active, with its recovery
 * codes, and ends every session of the user (reason `admin_revoked`): for a
 * user who lost the authenticator, or whose account someone else enrolled.
 * The removal bumps `credentialsVersion`, so a login in flight (or a pending
 * `mfa_token`) gives up. The user logs in next with the password alone and
 * may enrol again. Run on a user without a factor it still ends the
 * sessions: a retry finishes the job.
 */
export async function resetMfa(
  deps: AdminDeps,
  rawName: string,
  operator: Operator,
): Promise<SessionsEnded & { previous: MfaOverview }> {
  if (!deps.mfa) throw new Error('resetMfa needs the MFA store.');
  let user = await findUser(deps.users, rawName);
  const previous = mfaOverview(user);
  await record(deps, 'reset_mfa', operator, user, { mfa: previous.state });
  for (let attempt = 1; user.totp; attempt++) {
    if (await deps.mfa.removeTotp(user, user.totp.secret)) break;
    // The user enrolled or removed a factor meanwhile: read it again.
    if (attempt >= MFA_RESET_ATTEMPTS) throw new UnavailableError();
    user = await findUser(deps.users, user.username);
  }
  const sessions = await deps.sessions.listByUser(user.userId);
  await endSessions(audited(deps, operator, 'reset_mfa'), sessions, 'admin_revoked', operator);
  audit('reset_mfa', operator, user, { mfa: previous.state, sessionsRevoked: sessions.length });
  return {
    username: user.username,
    userId: user.userId,
    previous,
    sessionsRevoked: sessions.length,
  };
}

/**
 * Forgets every failed-login count and lock of the user, on every address
 * and the account's ceiling: its owner may log in at once. Where the lockout
 * is not tracked (`lockouts` unset) it is `UnavailableError`.
 */
export async function unlockUser(
  deps: AdminDeps,
  rawName: string,
  operator: Operator,
): Promise<{ username: string; userId: string; countersCleared: number }> {
  const user = await findUser(deps.users, rawName);
  if (!deps.lockouts) throw new UnavailableError('This target does not track the login lockout.');
  await record(deps, 'unlock_user', operator, user);
  const countersCleared = await deps.lockouts.clear(user.username);
  audit('unlock_user', operator, user, { countersCleared });
  return { username: user.username, userId: user.userId, countersCleared };
}

/**
 * The revocation item of `key`: who, when, why, from where. `NotFoundError`
 * when none. Items are keyed by a JWT's `jti`; an opaque refresh token has
 * none, its item is keyed by its reference (the SHA-256 of its nonce), so the
 * token itself may be given instead and its reference is looked up.
 */
export async function showRevocation(
  deps: { revokedTokens: Pick<RevokedTokenStore, 'find'> },
  key: string,
): Promise<Revocation> {
  const jti = referenceOfToken(key) ?? key;
  const revocation = await deps.revokedTokens.find(jti);
  if (!revocation) {
    throw new NotFoundError(
      `No revocation for ${jti}: the token was never revoked, or it expired and its item is gone.`,
    );
  }
  return revocation;
}

/** A user's roles, and the scopes they grant where the mapping is known. */
export interface UserRoles {
  username: string;
  userId: string;
  roles: string[];
  /** Absent when this target does not know the mapping. */
  scopes?: string[];
}

/** The roles of the user and, where the mapping is known, the scopes its next token will hold. */
export async function listRoles(
  deps: Pick<AdminDeps, 'users' | 'roleScopes'>,
  rawName: string,
): Promise<UserRoles> {
  const user = await findUser(deps.users, rawName);
  return rolesResult(deps, user, rolesOf(user));
}

function rolesResult(
  { roleScopes }: Pick<AdminDeps, 'roleScopes'>,
  user: Pick<UserRecord, 'username' | 'userId'>,
  roles: string[],
): UserRoles {
  return {
    username: user.username,
    userId: user.userId,
    roles,
    ...(roleScopes ? { scopes: scopesOf(roles, roleScopes) } : {}),
  };
}

/** Concurrent role changes a grant or revocation retries through before giving up. */
const ROLE_CHANGE_ATTEMPTS = 3;

/**
 * Replaces the roles of `user` by `change(roles as read)`, one conditional
 * write, read again after a concurrent change. Returns the roles before and after.
 */
async function changeRoles(
  deps: Pick<AdminDeps, 'users' | 'userRoles'>,
  first: UserRecord,
  change: (roles: string[]) => string[],
  bumpVersion: boolean,
): Promise<{ before: string[]; after: string[] }> {
  if (!deps.userRoles) throw new Error('Changing roles needs the role store.');
  let user = first;
  for (let attempt = 1; ; attempt++) {
    const before = rolesOf(user);
    const after = change(before);
    if (after.join(',') === before.join(',')) return { before, after };
    const { username, userId } = user;
    const done = await deps.userRoles.setRoles({
      username,
      userId,
      previous: user.roles,
      roles: after,
      bumpVersion,
    });
    if (done) return { before, after };
    if (attempt >= ROLE_CHANGE_ATTEMPTS) throw new UnavailableError();
    user = await findUser(deps.users, user.username);
  }
}

/**
 * Gives the user `role`. Its sessions get the role's scopes at their next
 * refresh (within one access-token lifetime), a new login at once. Granting
 * a role the user holds changes nothing.
 */
export async function grantRole(
  deps: AdminDeps,
  rawName: string,
  rawRole: string,
  operator: Operator,
): Promise<UserRoles & { changed: boolean }> {
  const role = assertRoleName(rawRole);
  const user = await findUser(deps.users, rawName);
  await record(deps, 'grant_role', operator, user, { role });
  const { before, after } = await changeRoles(deps, user, (roles) => withRole(roles, role), false);
  audit('grant_role', operator, user, { role });
  return { ...rolesResult(deps, user, after), changed: before.length !== after.length };
}

/**
 * Takes `role` from the user, with immediate effect: every session of the
 * user is revoked (reason `role_revoked`), as logout-all does, and a login
 * in flight gives up (the same write bumps `credentialsVersion`). With
 * `keepSessions` the sessions live on and lose the role's scopes at their
 * next refresh. Revoking a role the user does not hold changes nothing.
 */
export async function revokeRole(
  deps: AdminDeps,
  rawName: string,
  rawRole: string,
  operator: Operator,
  { keepSessions = false }: { keepSessions?: boolean } = {},
): Promise<UserRoles & SessionsEnded & { changed: boolean }> {
  const role = assertRoleName(rawRole);
  const user = await findUser(deps.users, rawName);
  await record(deps, 'revoke_role', operator, user, {
    role,
    sessions: keepSessions ? 'kept' : 'revoked',
  });
  const { before, after } = await changeRoles(
    deps,
    user,
    (roles) => roles.filter((held) => held !== role),
    !keepSessions,
  );
  const changed = before.length !== after.length;
  const sessions = changed && !keepSessions ? await deps.sessions.listByUser(user.userId) : [];
  await endSessions(audited(deps, operator, 'revoke_role'), sessions, 'role_revoked', operator);
  audit('revoke_role', operator, user, { role, sessionsRevoked: sessions.length, keepSessions });
  return { ...rolesResult(deps, user, after), changed, sessionsRevoked: sessions.length };
}
