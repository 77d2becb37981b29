/**
 * What the domain needs from storage, declared where the domain lives. The
 * DynamoDB stores in `store/` implement these interfaces; tests hand the
 * domain in-memory fakes of them. Nothing here knows about DynamoDB.
 */
import type { SessionClaims, TokenUse } from '../tokens/claims';
import { PASSWORD_AMR } from './amr';

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
  /** Sessions an operator revoked, or ended by an operator's password or MFA reset (admin CLI). */
  | 'admin_revoked'
  /** Every session of a user an operator took a role from (admin CLI). */
  | 'role_revoked'
  /** Every other session of a user who turned a second factor on or off. */
  | 'mfa_changed'
  /** Every session of a user who set a new password with a reset link (`POST /auth/password/reset`). */
  | 'password_reset';

/** What an operator did, recorded on the revocations it writes. */
export type AdminAction =
  | 'disable_user'
  | 'revoke_sessions'
  | 'reset_password'
  | 'revoke_role'
  | 'reset_mfa';

/** One operator action as the audit record keeps it. */
export interface AdminAuditEntry {
  /** ISO 8601, when the action was asked for (the record is written before it runs). */
  at: string;
  /** The operator: an IAM principal ARN, or `user@host` against local data. */
  actor: string;
  /** `disable_user`, `enable_user`, `revoke_sessions`, `reset_password`, … */
  action: string;
  /** The account acted on. */
  username: string;
  userId: string;
  /** The operator's `--reason`. */
  note?: string;
  /** What the command was given besides the user (e.g. one session id). */
  details?: Record<string, string>;
}

/** The durable record of operator actions (the AdminAudit table). */
export interface AdminAuditStore {
  record(entry: AdminAuditEntry): Promise<void>;
  /** The newest entries first, at most `limit`, only those of `username` if given. */
  list(options: { limit: number; username?: string }): Promise<AdminAuditEntry[]>;
}

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
  /**
   * The user's claims the pair it issued carries, so that a replay signs the
   * same ones. Absent on records stored before they existed: a replay then
   * issues, as the rotation did, an access token without them.
   */
  claims?: SessionClaims;
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
  /**
   * How the user signed in (RFC 8176), carried by every access token of the
   * session, a grace-window replay's too; a step-up replaces it. Absent on
   * sessions stored before it existed: `["pwd"]` ({@link amrOf}).
   */
  amr?: string[];
}

/** A session's `amr`; `["pwd"]` for a session stored before the attribute existed. */
export function amrOf(session: Pick<SessionRecord, 'amr'>): string[] {
  return session.amr ?? [...PASSWORD_AMR];
}

export interface SessionRotation extends SessionTokens {
  /** The refresh token id the caller checked: the write fails if it is no longer current. */
  previousRefreshJti: string;
  refreshedAt: string;
  /** The `iat` of the new pair (epoch seconds). */
  issuedAt: number;
  /** When the rotation happens, epoch milliseconds. */
  rotatedAt: number;
  /** The user's claims of the new pair, recorded for replays. */
  claims?: SessionClaims;
}

/** A step-up's new pair (`auth/mfa/step-up.ts`): no rotation record, the replaced refresh token has no grace. */
export interface SessionStepUp extends SessionTokens {
  /** The refresh token id the caller read: the write fails if it is no longer current. */
  previousRefreshJti: string;
  /** The session's stronger `amr`, kept by every later refresh. */
  amr: string[];
  refreshedAt: string;
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
   * Replaces the current pair and the session's `amr`, and drops the last
   * rotation's record (the replaced refresh token gets no grace), only if
   * the refresh token is still `previousRefreshJti`: the same lock as
   * {@link rotate}.
   */
  stepUp(userId: string, sessionId: string, step: SessionStepUp): Promise<boolean>;
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
  /**
   * The account's e-mail address, normalised (`auth/email-address.ts`).
   * Absent on items stored before e-mail existed, and when none was given.
   */
  email?: string;
  /** Whether `email` came back verified; absent (items stored before it existed): not verified. */
  emailVerified?: boolean;
  /** When it was verified (ISO 8601). */
  emailVerifiedAt?: string;
  /** SHA-256 (base64url) of the one verification token of `email` still open; absent: none. */
  emailTokenHash?: string;
  /** Its end, epoch seconds. */
  emailTokenExpiresAt?: number;
  /** SHA-256 (base64url) of the one password-reset token still open; absent: none. */
  resetTokenHash?: string;
  /** Its end, epoch seconds. */
  resetTokenExpiresAt?: number;
  /**
   * The user's roles, sorted (`auth/roles.ts`). Absent on items stored
   * before roles existed: none.
   */
  roles?: string[];
  /** The TOTP factor, pending or active. Absent: none (and on items stored before MFA existed). */
  totp?: TotpFactor;
  /**
   * The unused recovery codes of an active factor, by the SHA-256 (hex) of
   * each: a code is found by its hash and used up by removing its key.
   */
  recoveryCodes?: Record<string, string>;
}

/** Whether the account has a verified address; false for items stored before e-mail existed. */
export function verifiedEmailOf(
  user: Pick<UserRecord, 'email' | 'emailVerified'>,
): string | undefined {
  return user.emailVerified === true ? user.email : undefined;
}

/**
 * A new, unverified address on an account, with the hash and end of the one
 * token that can verify it (none when the address belongs to another
 * account: nothing is sent to verify it). The same write ends every open
 * reset token: a reset link sent to the old address no longer works.
 */
export interface EmailChange {
  username: string;
  userId: string;
  email: string;
  token?: { hash: string; expiresAt: number };
  /**
   * ISO 8601: the address is verified as of now, without a token (an
   * operator vouches for it, `users set-email --verified`); its owner item
   * must be claimed first.
   */
  verifiedAt?: string;
}

/** The address came back verified: the token that proved it, checked in the write. */
export interface EmailConfirmation {
  username: string;
  userId: string;
  email: string;
  tokenHash: string;
  /** ISO 8601. */
  at: string;
  /** Epoch seconds: the token must end after it. */
  now: number;
}

/**
 * A password reset token for the account's verified address: replaces the
 * open one (a newer token ends the older), only while `email` is still the
 * account's verified address.
 */
export interface ResetTokenIssue {
  username: string;
  userId: string;
  email: string;
  token: { hash: string; expiresAt: number };
}

/**
 * A reset: the new password's hash, written by the same conditional write
 * that uses the token up (its hash still the item's, not ended at `now`),
 * which also bumps `credentialsVersion`.
 */
export interface ResetConsumption {
  username: string;
  userId: string;
  tokenHash: string;
  /** Epoch seconds: the token must end after it. */
  now: number;
  passwordHash: string;
}

/** The roles of a user; none for an item stored before the attribute existed. */
export function rolesOf(user: Pick<UserRecord, 'roles'>): string[] {
  return user.roles ?? [];
}

/** An operator replacing a user's roles. */
export interface RoleChange {
  username: string;
  userId: string;
  /** The roles as read (`undefined`: no attribute): a concurrent change makes the write fail. */
  previous: string[] | undefined;
  roles: string[];
  /** Also bump `credentialsVersion`, so that a login in flight gives its session up. */
  bumpVersion: boolean;
}

/** A user's TOTP factor as stored on the user's item. */
export interface TotpFactor {
  /** `pending` from enrolment until a first code confirms it; only `active` is asked at login. */
  state: 'pending' | 'active';
  /** The secret, encrypted ({@link TotpSecretCipher}); never stored in plain text. */
  secret: string;
  /** ISO 8601, when the secret was made. */
  createdAt: string;
  /** ISO 8601, when a first code confirmed it. */
  confirmedAt?: string;
  /** The last time step a code was accepted for: a code of it or an earlier one never works again. */
  lastStep?: number;
}

/** Whether the user has an active second factor; false for items stored before MFA existed. */
export function hasActiveMfa(user: Pick<UserRecord, 'totp'>): boolean {
  return user.totp?.state === 'active';
}

/**
 * Encrypts TOTP secrets for storage: under KMS in AWS, under a local key in
 * the data folder locally. Bound to the user: a ciphertext copied onto
 * another user's item does not decrypt.
 */
export interface TotpSecretCipher {
  encrypt(secret: Uint8Array, userId: string): Promise<string>;
  decrypt(ciphertext: string, userId: string): Promise<Uint8Array>;
}

/** Which user's item an MFA write applies to; every write is conditional on `userId`. */
export interface UserRef {
  username: string;
  userId: string;
}

/**
 * The writes of the second factor, on the user's item. Each is one
 * conditional write, false when its condition no longer holds (the factor
 * changed meanwhile, or the user is gone).
 */
export interface MfaStore {
  /** Stores a pending factor, replacing a pending one; false while one is active. */
  beginTotp(user: UserRef, factor: TotpFactor & { state: 'pending' }): Promise<boolean>;
  /**
   * Activates the pending factor whose secret is `secret`, records `step` as
   * used, stores the recovery code hashes and bumps `credentialsVersion` (a
   * login in flight gives its session up).
   */
  confirmTotp(
    user: UserRef,
    confirm: { secret: string; step: number; confirmedAt: string; recoveryCodeHashes: string[] },
  ): Promise<boolean>;
  /** Removes the factor whose secret is `secret` and every recovery code; bumps `credentialsVersion`. */
  removeTotp(user: UserRef, secret: string): Promise<boolean>;
  /** Records `step` as used, only if it is later than the last one of the active factor `secret`. */
  acceptStep(user: UserRef, secret: string, step: number): Promise<boolean>;
  /** Uses up the recovery code of this hash; false when it is not (or no longer) one of the user's. */
  useRecoveryCode(user: UserRef, hash: string): Promise<boolean>;
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
   * Replaces the password hash, bumps `credentialsVersion` and forgets any
   * open reset token, in one conditional write; false when the user or its
   * hash changed meanwhile.
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

/** The owner of a verified address: one item per address, so one owner per address. */
export interface AddressClaim {
  email: string;
  userId: string;
  username: string;
  /** ISO 8601. */
  verifiedAt: string;
}

/** What a recovery token is for. */
export type RecoveryPurpose = 'verify_email' | 'reset_password';

/** An outstanding recovery token, found by the hash of the token (never the token itself). */
export interface RecoveryTokenRecord {
  tokenHash: string;
  purpose: RecoveryPurpose;
  userId: string;
  username: string;
  /** The address being verified (`verify_email`). */
  email?: string;
  /** Epoch seconds; the TTL attribute too, but checked in code (TTL deletes late). */
  expiresAt: number;
}

/**
 * Recovery's state: the recovery table (verified addresses' owners,
 * outstanding tokens) and the e-mail attributes of the user items, which
 * only the e-mail functions write (a store of its own, like the MFA writes,
 * so that no other function bundles it).
 */
export interface RecoveryStore {
  /**
   * Sets a new unverified address and its token, and removes any reset
   * token, in one conditional write; false when no user `userId` has this name.
   */
  setEmail(change: EmailChange): Promise<boolean>;
  /**
   * Marks the address verified and forgets its token, in one write
   * conditional on the address and the token hash being the item's and the
   * token not having ended: of concurrent callers one gets true.
   */
  confirmEmail(confirmation: EmailConfirmation): Promise<boolean>;

  /**
   * Records `claim.userId` as the address's owner, one conditional put: when
   * nobody owns it, when it already does, or when `replacing` (the userId of
   * an owner that no longer holds the address) still does. False otherwise.
   */
  claimAddress(claim: AddressClaim, replacing?: string): Promise<boolean>;
  /** The address's owner record, strongly consistent. */
  findAddress(email: string): Promise<AddressClaim | undefined>;
  /** Deletes the address's owner record if it is still `userId`'s. */
  releaseAddress(email: string, userId: string): Promise<void>;
  saveToken(token: RecoveryTokenRecord): Promise<void>;
  /** The token record, strongly consistent, even past its end (the caller checks it). */
  findToken(tokenHash: string): Promise<RecoveryTokenRecord | undefined>;
  deleteToken(tokenHash: string): Promise<void>;
  /**
   * Stores the hash and end of a reset token on the user's item, replacing
   * any open one, in one write conditional on `email` being the item's
   * verified address; false otherwise.
   */
  setResetToken(issue: ResetTokenIssue): Promise<boolean>;
  /**
   * Sets the new password hash, bumps `credentialsVersion` and forgets the
   * reset token, in one write conditional on the token being the item's open
   * one and not ended: of concurrent callers one gets true.
   */
  consumeResetToken(reset: ResetConsumption): Promise<boolean>;
}

/** One request counted against a limit of the current window. */
export interface LimitCount {
  /** What is counted, e.g. `forgot:address:<address>`, `verify:client:<ip>`. */
  key: string;
  /** The window's number (epoch hours). */
  window: number;
  /** Requests the window allows. */
  limit: number;
  /** The counter's TTL (epoch seconds): after its window. */
  expiresAt: number;
}

/** Request counters of the recovery routes (the recovery table). */
export interface RequestLimitStore {
  /**
   * Counts one request in one conditional atomic ADD that applies only
   * below `limit`; false, and nothing counted, when the limit is reached.
   */
  count(count: LimitCount): Promise<boolean>;
}

/** One message to one address: plain text, short, never the username. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The link the message carries, if any (the outbox prints it). */
  link?: string;
}

/** Sends e-mail: Amazon SES in AWS, an outbox folder locally. */
export interface MailSender {
  /** Sends one message; `UnavailableError` when it cannot, within a bounded time. */
  send(mail: OutgoingMail): Promise<void>;
}

/** An operator's writes of roles on the Users item (the admin CLI only: no function changes roles). */
export interface UserRoleStore {
  /**
   * Replaces the roles, one conditional write; false when no user `userId`
   * has this name or its roles are no longer `previous`.
   */
  setRoles(change: RoleChange): Promise<boolean>;
}

/**
 * The lockout's counters are kept per account and client address (a pair):
 * the account is the stored username (or, for a name nobody has, the name as
 * typed and normalised), the address the client's IP (IPv6 by its /64).
 */
export interface AttemptKey {
  account: string;
  address: string;
}

/** One attempt to count: its id (so a retried write never counts it twice) and its time. */
export interface AttemptTimes {
  /** Unique per attempt. */
  attemptId: string;
  /** Epoch milliseconds. */
  now: number;
}

/** The pair's rule, as the store applies it in its conditional write. */
export interface PairRule {
  /** The attempt that brings the count to this (or beyond) holds the lock while it is checked. */
  threshold: number;
  /** End of the lock an attempt at or beyond the threshold holds while its password is checked, epoch ms. */
  checkLeaseUntil: number;
  /** A count whose last attempt is this old (epoch ms) or older is forgotten: it starts again at 1. */
  staleBefore: number;
  /** The item's TTL (epoch seconds): garbage collection after a long idle time. */
  expiresAt: number;
}

/** What the pair's counted attempt returned. */
export type PairAdmission =
  | {
      admitted: true;
      /** Attempts counted since the last success from this address, this one included. */
      attempts: number;
      /** The last success from this address, epoch ms. */
      lastSuccessAt?: number;
    }
  | { admitted: false /** Epoch ms. */; lockedUntil: number };

/** The account's hourly ceiling, as the store applies it in its conditional write. */
export interface CeilingRule {
  /** Counted attempts per window, over all addresses. */
  ceiling: number;
  /** The current window's number (epoch hours). */
  window: number;
  /** The item's TTL (epoch seconds). */
  expiresAt: number;
}

/** The lockout state of one pair, as an operator sees it. */
export interface PairState extends AttemptKey {
  attempts: number;
  /** Epoch ms; absent when never locked. */
  lockedUntil?: number;
  /** Epoch ms. */
  lastAttemptAt?: number;
  /** Epoch ms. */
  lastSuccessAt?: number;
}

/** Every counter of an account. */
export interface AccountAttempts {
  pairs: PairState[];
  /** The account-wide count of the current or an earlier window; absent when none. */
  ceiling?: { window: number; count: number };
}

export interface LoginAttemptStore {
  /**
   * Counts one attempt of the pair in one conditional atomic write, which
   * applies only when the pair is not locked, and returns the new count:
   * concurrent attempts each get a different count. The attempt that reaches
   * the threshold (or goes beyond it) also locks the pair until
   * `checkLeaseUntil` in the same write, so no other attempt is admitted while
   * its password is checked. Refused: the lock's end. A write the SDK retried
   * after it had applied counts once (attempt ids); the attempt is then
   * neither admitted nor refused, but `UnavailableError`.
   */
  admitPair(key: AttemptKey, attempt: AttemptTimes, rule: PairRule): Promise<PairAdmission>;
  /**
   * Counts one attempt against the account's ceiling for `rule.window`, in one
   * conditional write that applies only below the ceiling; false when the
   * ceiling is reached. A retried write counts once.
   */
  admitAccount(account: string, attempt: AttemptTimes, rule: CeilingRule): Promise<boolean>;
  /**
   * Ends the check of a counted attempt that failed: locks the pair until
   * `lockedUntil` (epoch ms; in the past for no lock) and forgets the
   * attempt ids, which no retry needs any more.
   */
  settleFailure(key: AttemptKey, lockedUntil: number, expiresAt: number): Promise<void>;
  /**
   * Gives back an attempt the pair admitted but that went no further (the
   * account's ceiling refused it): its count, and the check lock it held
   * (`heldLock`). Applies only while the attempt is still on the item.
   */
  withdraw(key: AttemptKey, attempt: AttemptTimes, heldLock: boolean): Promise<void>;
  /** A success from this address: its count and lock are gone, and the success is remembered. */
  recordSuccess(key: AttemptKey, now: number, expiresAt: number): Promise<void>;
  /** Every counter of `account`, strongly consistent, those past their TTL left out. */
  listAccount(account: string): Promise<AccountAttempts>;
  /** Deletes every counter of `account` (an operator's unlock or password reset); returns how many. */
  clearAccount(account: string): Promise<number>;
}

/** A login waiting for its second factor (`auth/mfa/challenge.ts`). */
export interface MfaChallenge {
  /** SHA-256 (hex) of the `mfa_token`; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  username: string;
  /** The user's credentials version when the password was checked: a change since voids it. */
  credentialsVersion: number;
  /** Codes tried so far. */
  attempts: number;
  /** Epoch seconds: the TTL attribute, and the end checked in code. */
  expiresAt: number;
  /** ISO 8601. */
  createdAt: string;
}

export interface MfaChallengeStore {
  create(challenge: MfaChallenge): Promise<void>;
  /** The challenge, strongly consistent; `undefined` when unknown, used or past `expiresAt` at `now` (epoch s). */
  find(tokenHash: string, now: number): Promise<MfaChallenge | undefined>;
  /**
   * Counts one code attempt, in one conditional write that applies only
   * while the challenge exists, is live at `now` and has had fewer than
   * `maxAttempts`; the new count, or `undefined` when refused.
   */
  countAttempt(tokenHash: string, now: number, maxAttempts: number): Promise<number | undefined>;
  /** Uses the challenge up (a conditional delete): of concurrent callers exactly one gets true. */
  consume(tokenHash: string): Promise<boolean>;
}
