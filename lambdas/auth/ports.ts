/**
 * What the domain needs from storage, declared where the domain lives. The
 * DynamoDB stores in `store/` implement these interfaces; tests hand the
 * domain in-memory fakes of them. Nothing here knows about DynamoDB.
 */
import type { TokenUse } from '../tokens/claims';

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'rotated'
  | 'reuse_detected'
  | 'password_changed'
  | 'session_revoked'
  /** The user's oldest session, ended by a login beyond `maxSessionsPerUser`. */
  | 'session_evicted'
  /** Every session of a user an operator disabled (admin CLI). */
  | 'user_disabled'
  /** Sessions an operator revoked, or ended by an operator's password reset (admin CLI). */
  | 'admin_revoked';

/** What an operator did, recorded on the revocations it writes. */
export type AdminAction = 'disable_user' | 'revoke_sessions' | 'reset_password';

/**
 * Who revoked a token by hand, and why: present only on revocations written
 * by an operator (the admin CLI). Items without it (every other revocation,
 * and those stored before it existed) read as before.
 */
export interface RevocationAudit {
  /** The operator: an IAM principal ARN, or `user@host` against local data. */
  actor?: string;
  action?: AdminAction;
  /** The operator's `--reason`. */
  note?: string;
}

/** The client that asked for the revocation, where the request says. */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export interface Revocation extends ClientInfo, RevocationAudit {
  jti: string;
  sub: string;
  sid: string;
  tokenUse: TokenUse;
  reason: RevocationReason;
  /**
   * The item's TTL (epoch seconds): the token's `exp` plus the verifier's
   * clock tolerance, so the revocation outlives every instant the token verifies.
   */
  expiresAt: number;
  /** When it was revoked (ISO 8601). */
  revokedAt: string;
}

export interface RevokedTokenStore {
  /**
   * Records a revocation unless the token is revoked already. Returns true when
   * this call revoked it, false when it was revoked before (the first reason is
   * kept). One conditional put: of concurrent callers exactly one gets true.
   */
  revoke(revocation: Revocation): Promise<boolean>;
  /** One strongly consistent read: a revocation is seen on the very next request. */
  isRevoked(jti: string): Promise<boolean>;
  /**
   * The whole revocation item (strongly consistent), for operators; `undefined`
   * when the token was never revoked or its item is gone (TTL).
   */
  find(jti: string): Promise<Revocation | undefined>;
}

/** The ids and expiries of a session's current token pair. */
export interface SessionTokens {
  accessJti: string;
  /** Epoch seconds. */
  accessExp: number;
  refreshJti: string;
  /** Epoch seconds. */
  refreshExp: number;
}

/**
 * What the last refresh of a session recorded, in the same conditional write
 * that rotated it: enough to tell a grace-window replay of the token it
 * replaced, and to sign the pair it issued again. Absent until the first
 * refresh, and on items stored by versions without the grace window.
 */
export interface RotationRecord {
  /** The refresh token this rotation replaced: the only one that may replay its successor. */
  previousRefreshJti: string;
  /**
   * The refresh token it issued. The record describes the session's current
   * pair only while this is still the item's `refreshJti`.
   */
  refreshJti: string;
  /** The `iat` of the pair it issued (epoch seconds); the ids and `exp`s are the item's current ones. */
  issuedAt: number;
  /** When it happened, epoch milliseconds. */
  rotatedAt: number;
}

export interface SessionRecord extends SessionTokens {
  userId: string;
  sessionId: string;
  username: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601 of the last refresh; absent until the first one. */
  refreshedAt?: string;
  /** End of the session, epoch seconds: the TTL attribute. Never grows. */
  expiresAt: number;
  ip?: string;
  userAgent?: string;
  /** The last refresh's record, for the grace window. */
  lastRotation?: RotationRecord;
  /**
   * The user's `credentialsVersion` that the login checked the password
   * against. Absent on sessions stored before it existed: read as 0.
   */
  credentialsVersion?: number;
}

export interface SessionRotation extends SessionTokens {
  /** The refresh token id the caller checked: the write fails if it is no longer current. */
  previousRefreshJti: string;
  refreshedAt: string;
  /** The `iat` of the new pair (epoch seconds). */
  issuedAt: number;
  /** When the rotation happens, epoch milliseconds. */
  rotatedAt: number;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** The live session, strongly consistent; `undefined` if gone or past its end. */
  get(userId: string, sessionId: string): Promise<SessionRecord | undefined>;
  /** Every live session of the user, strongly consistent. */
  listByUser(userId: string): Promise<SessionRecord[]>;
  /**
   * Replaces the current token pair and records the rotation
   * ({@link SessionRecord.lastRotation}) in the same write, only if the
   * refresh token is still `previousRefreshJti`. False when it is not (rotated
   * or revoked meanwhile): of concurrent callers exactly one gets true, which
   * makes it the lock of refresh-token rotation.
   */
  rotate(userId: string, sessionId: string, rotation: SessionRotation): Promise<boolean>;
  /**
   * Deletes the item, only while its current refresh token is still
   * `seenRefreshJti`. False when it is not (a concurrent refresh rotated it)
   * or when the item is already gone.
   */
  remove(userId: string, sessionId: string, seenRefreshJti: string): Promise<boolean>;
}

export interface UserRecord {
  /** Normalised (trimmed, NFKC, lower-case): the table key. */
  username: string;
  /** Stable id, the tokens' `sub`. */
  userId: string;
  /** Self-describing scrypt hash. */
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
  /**
   * Bumped by every password change and logout-all: a login re-reads it after
   * creating its session, and gives the session up if it moved. Absent on
   * users stored before it existed: read as 0 ({@link credentialsVersionOf}).
   */
  credentialsVersion?: number;
  /**
   * Set by an operator: the user cannot log in (its login fails exactly like
   * a wrong password). Absent on items stored before it existed: not disabled.
   */
  disabled?: boolean;
  /** The last time an operator disabled or enabled the user (ISO 8601). */
  statusChangedAt?: string;
  /** The operator who did (an IAM principal ARN, or `user@host`). */
  statusChangedBy?: string;
  /** The operator's reason, if given. */
  statusNote?: string;
}

/** Whether an operator disabled the user; false for items stored before the attribute existed. */
export function isDisabled(user: Pick<UserRecord, 'disabled'>): boolean {
  return user.disabled === true;
}

/** An operator disabling or enabling a user: who, when, why. */
export interface StatusChange {
  username: string;
  userId: string;
  /** ISO 8601. */
  at: string;
  by: string;
  note?: string;
}

/** A user's credentials version; 0 for an item stored before the attribute existed. */
export function credentialsVersionOf(user: Pick<UserRecord, 'credentialsVersion'>): number {
  return user.credentialsVersion ?? 0;
}

export interface PasswordChange {
  username: string;
  userId: string;
  /** The hash the caller verified against: a concurrent change makes the update fail. */
  previousHash: string;
  passwordHash: string;
}

export interface UserStore {
  /** Creates the user; `UsernameTakenError` when the name exists. */
  create(user: UserRecord): Promise<void>;
  /** The user with this normalised name, if any (strongly consistent). */
  find(username: string): Promise<UserRecord | undefined>;
  /**
   * Replaces the password hash and bumps `credentialsVersion`, in one
   * conditional write; false when the user or its hash changed meanwhile.
   */
  changePassword(change: PasswordChange): Promise<boolean>;
  /**
   * Replaces the hash by one of the same password at newer parameters, leaving
   * `credentialsVersion` alone; false when the user or its hash changed meanwhile.
   */
  rehashPassword(change: PasswordChange): Promise<boolean>;
  /**
   * Bumps `credentialsVersion` (logout-all), one conditional write; false when
   * no user `userId` has this name.
   */
  bumpCredentialsVersion(user: { username: string; userId: string }): Promise<boolean>;
  /**
   * Marks the user disabled and bumps `credentialsVersion` in the same
   * conditional write (so a login in flight gives its session up); false when
   * no user `userId` has this name.
   */
  disable(change: StatusChange): Promise<boolean>;
  /** Clears the disabled mark, one conditional write; false when no user `userId` has this name. */
  enable(change: StatusChange): Promise<boolean>;
}

/**
 * The failed logins of one normalised username, whether or not a user has it
 * (so the lockout tells nobody which names exist). Absent: no failure since
 * the last success, or none for {@link LoginAttemptTimes.expiresAt}'s memory.
 */
export interface LoginAttempts {
  /** Consecutive failures since the last success. */
  failures: number;
  /** When the last failure was recorded, epoch milliseconds. */
  lastFailureAt: number;
}

/** When a failure is recorded, and until when the count is remembered. */
export interface LoginAttemptTimes {
  /** Epoch milliseconds. */
  now: number;
  /** The record's TTL (epoch seconds): a count is forgotten after this long without a failure. */
  expiresAt: number;
}

export interface LoginAttemptStore {
  /** The live record of `username`, strongly consistent; `undefined` when none or past its TTL. */
  get(username: string): Promise<LoginAttempts | undefined>;
  /**
   * Counts one more failure in one atomic single-item write and returns the
   * record as that write left it: concurrent calls are each counted exactly
   * once, each seeing a different count. A record past its TTL starts again at 1.
   */
  recordFailure(username: string, times: LoginAttemptTimes): Promise<LoginAttempts>;
  /** Forgets the failures of `username` (a successful login). */
  reset(username: string): Promise<void>;
}
