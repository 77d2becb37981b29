/**
 * In-memory implementations of the domain's ports (`lambdas/auth/ports.ts`),
 * with the same semantics as the DynamoDB stores: conditional writes succeed
 * for exactly one caller, reads are strongly consistent, and a session past
 * its `expiresAt` is gone even before anything deletes it. Domain tests run
 * the rules against these; the stores themselves are tested on the embedded
 * engine (test/integration).
 */
import { randomBytes } from 'node:crypto';
import { createPasswordHasher, OWASP_SCRYPT } from '../../lambdas/auth/passwords';
import {
  type AddressClaim,
  type AdminAuditEntry,
  type AdminAuditStore,
  credentialsVersionOf,
  type LoginAttemptStore,
  type MailSender,
  type MfaChallenge,
  type MfaChallengeStore,
  type MfaStore,
  type OutgoingMail,
  type RecoveryStore,
  type RecoveryTokenRecord,
  type RequestLimitStore,
  type Revocation,
  type RevokedTokenStore,
  type SessionRecord,
  type SessionStore,
  type TotpSecretCipher,
  type UserRecord,
  type UserRef,
  type UserRoleStore,
  type UserStore,
} from '../../lambdas/auth/ports';
import type { RecoveryLimits } from '../../lambdas/auth/recovery-limits';
import type { RoleScopes } from '../../lambdas/auth/roles';
import { type Clock, epochSeconds } from '../../lambdas/clock';
import { DEFAULTS, type RefreshTokenFormat } from '../../lambdas/config';
import { EMAIL_SETTINGS } from '../../lambdas/contract/email-settings';
import { UnavailableError, UsernameTakenError } from '../../lambdas/errors';
import { createTokenIssuer } from '../../lambdas/tokens/issue';
import { opaqueRefreshReader, type RefreshTokenKey } from '../../lambdas/tokens/opaque-refresh';
import { createTokenVerifier } from '../../lambdas/tokens/verify';
import { createTestSigner, FROZEN_NOW, TEST_SETTINGS } from './keys';

/** A deep copy, so a caller can never change what the store holds by mutating a result. */
const copy = <T>(value: T): T => structuredClone(value);

export interface MemoryUserStore extends UserStore, UserRoleStore {
  readonly items: Map<string, UserRecord>;
}

export function memoryUserStore(): MemoryUserStore {
  const items = new Map<string, UserRecord>();
  return {
    items,
    async create(user) {
      if (items.has(user.username)) throw new UsernameTakenError();
      items.set(user.username, copy(user));
    },
    async find(username) {
      const user = items.get(username);
      return user && copy(user);
    },
    async changePassword({ username, userId, previousHash, passwordHash }) {
      const user = items.get(username);
      if (user?.userId !== userId || user.passwordHash !== previousHash) return false;
      user.passwordHash = passwordHash;
      user.credentialsVersion = credentialsVersionOf(user) + 1;
      // Like the store's write: a new password ends the open reset token.
      delete user.resetTokenHash;
      delete user.resetTokenExpiresAt;
      return true;
    },
    async rehashPassword({ username, userId, previousHash, passwordHash }) {
      const user = items.get(username);
      if (user?.userId !== userId || user.passwordHash !== previousHash) return false;
      user.passwordHash = passwordHash;
      return true;
    },
    async bumpCredentialsVersion({ username, userId }) {
      const user = items.get(username);
      if (user?.userId !== userId) return false;
      user.credentialsVersion = credentialsVersionOf(user) + 1;
      return true;
    },
    async disable({ username, userId, at, by, note }) {
      const user = items.get(username);
      if (user?.userId !== userId) return false;
      // Like the store's single UpdateItem: the mark and the version bump at once.
      Object.assign(user, { disabled: true, statusChangedAt: at, statusChangedBy: by });
      if (note === undefined) delete user.statusNote;
      else user.statusNote = note;
      user.credentialsVersion = credentialsVersionOf(user) + 1;
      return true;
    },
    async enable({ username, userId, at, by, note }) {
      const user = items.get(username);
      if (user?.userId !== userId) return false;
      Object.assign(user, { disabled: false, statusChangedAt: at, statusChangedBy: by });
      if (note === undefined) delete user.statusNote;
      else user.statusNote = note;
      return true;
    },
    async setRoles({ username, userId, previous, roles, bumpVersion }) {
      const user = items.get(username);
      if (user?.userId !== userId) return false;
      if (JSON.stringify(user.roles) !== JSON.stringify(previous)) return false;
      user.roles = [...roles];
      if (bumpVersion) user.credentialsVersion = credentialsVersionOf(user) + 1;
      return true;
    },
  };
}

export interface MemoryRecoveryStore extends RecoveryStore {
  readonly addresses: Map<string, AddressClaim>;
  readonly tokens: Map<string, RecoveryTokenRecord>;
}

/**
 * Like the store: conditional puts on the address, tokens kept past their end
 * (TTL deletes late), and the e-mail writes on the items of `users`.
 */
export function memoryRecoveryStore(users: MemoryUserStore): MemoryRecoveryStore {
  const addresses = new Map<string, AddressClaim>();
  const tokens = new Map<string, RecoveryTokenRecord>();
  return {
    addresses,
    tokens,
    async claimAddress(claim, replacing) {
      const owner = addresses.get(claim.email)?.userId;
      const allowed = replacing
        ? owner === replacing
        : owner === undefined || owner === claim.userId;
      if (!allowed) return false;
      addresses.set(claim.email, copy(claim));
      return true;
    },
    async findAddress(email) {
      const claim = addresses.get(email);
      return claim && copy(claim);
    },
    async releaseAddress(email, userId) {
      if (addresses.get(email)?.userId === userId) addresses.delete(email);
    },
    async saveToken(token) {
      tokens.set(token.tokenHash, copy(token));
    },
    async findToken(tokenHash) {
      const token = tokens.get(tokenHash);
      return token && copy(token);
    },
    async deleteToken(tokenHash) {
      tokens.delete(tokenHash);
    },
    async setEmail({ username, userId, email, token, verifiedAt }) {
      const user = users.items.get(username);
      if (user?.userId !== userId) return false;
      // Like the store's single UpdateItem: the address, its token, and no reset token.
      Object.assign(user, { email, emailVerified: verifiedAt !== undefined });
      for (const key of ['emailVerifiedAt', 'resetTokenHash', 'resetTokenExpiresAt'] as const) {
        delete user[key];
      }
      if (verifiedAt !== undefined) user.emailVerifiedAt = verifiedAt;
      if (token)
        Object.assign(user, { emailTokenHash: token.hash, emailTokenExpiresAt: token.expiresAt });
      else {
        delete user.emailTokenHash;
        delete user.emailTokenExpiresAt;
      }
      return true;
    },
    async confirmEmail({ username, userId, email, tokenHash, at, now }) {
      const user = users.items.get(username);
      if (
        user?.userId !== userId ||
        user.email !== email ||
        user.emailTokenHash !== tokenHash ||
        (user.emailTokenExpiresAt ?? 0) <= now
      ) {
        return false;
      }
      Object.assign(user, { emailVerified: true, emailVerifiedAt: at });
      delete user.emailTokenHash;
      delete user.emailTokenExpiresAt;
      return true;
    },
    async setResetToken({ username, userId, email, token }) {
      const user = users.items.get(username);
      if (user?.userId !== userId || user.email !== email || user.emailVerified !== true) {
        return false;
      }
      Object.assign(user, { resetTokenHash: token.hash, resetTokenExpiresAt: token.expiresAt });
      return true;
    },
    async consumeResetToken({ username, userId, tokenHash, now, passwordHash }) {
      const user = users.items.get(username);
      if (
        user?.userId !== userId ||
        user.resetTokenHash !== tokenHash ||
        (user.resetTokenExpiresAt ?? 0) <= now
      ) {
        return false;
      }
      // Like the store's single UpdateItem: the hash, the version bump, and no token.
      user.passwordHash = passwordHash;
      user.credentialsVersion = credentialsVersionOf(user) + 1;
      delete user.resetTokenHash;
      delete user.resetTokenExpiresAt;
      return true;
    },
  };
}

export interface MemoryRequestLimitStore extends RequestLimitStore {
  /** Each counter's count, by `<key>#<window>`. */
  readonly counts: Map<string, number>;
}

/** Like the store: a count per key and window, added only below the limit. */
export function memoryRequestLimitStore(): MemoryRequestLimitStore {
  const counts = new Map<string, number>();
  return {
    counts,
    async count({ key, window, limit }) {
      const at = `${key}#${window}`;
      const count = counts.get(at) ?? 0;
      if (count >= limit) return false;
      counts.set(at, count + 1);
      return true;
    },
  };
}

/**
 * The MFA writes on the users of `users` (they share the item, as in the
 * table), each applied only when its condition holds, like the store's.
 */
export function memoryMfaStore(users: MemoryUserStore): MfaStore {
  const userOf = ({ username, userId }: UserRef) => {
    const user = users.items.get(username);
    return user?.userId === userId ? user : undefined;
  };
  return {
    async beginTotp(ref, factor) {
      const user = userOf(ref);
      if (!user || user.totp?.state === 'active') return false;
      user.totp = copy(factor);
      return true;
    },
    async confirmTotp(ref, { secret, step, confirmedAt, recoveryCodeHashes }) {
      const user = userOf(ref);
      if (user?.totp?.state !== 'pending' || user.totp.secret !== secret) return false;
      Object.assign(user.totp, { state: 'active', lastStep: step, confirmedAt });
      user.recoveryCodes = Object.fromEntries(
        recoveryCodeHashes.map((hash) => [hash, confirmedAt]),
      );
      user.credentialsVersion = credentialsVersionOf(user) + 1;
      return true;
    },
    async removeTotp(ref, secret) {
      const user = userOf(ref);
      if (user?.totp?.secret !== secret) return false;
      delete user.totp;
      delete user.recoveryCodes;
      user.credentialsVersion = credentialsVersionOf(user) + 1;
      return true;
    },
    async acceptStep(ref, secret, step) {
      const user = userOf(ref);
      const factor = user?.totp;
      if (factor?.state !== 'active' || factor.secret !== secret) return false;
      if (factor.lastStep !== undefined && factor.lastStep >= step) return false;
      factor.lastStep = step;
      return true;
    },
    async useRecoveryCode(ref, hash) {
      const codes = userOf(ref)?.recoveryCodes;
      if (!codes || !Object.hasOwn(codes, hash)) return false;
      delete codes[hash];
      return true;
    },
  };
}

export interface MemoryMfaChallengeStore extends MfaChallengeStore {
  readonly items: Map<string, MfaChallenge>;
}

/** Challenges by token hash; expiry checked in code, as the store does (TTL never deletes here). */
export function memoryMfaChallengeStore(): MemoryMfaChallengeStore {
  const items = new Map<string, MfaChallenge>();
  return {
    items,
    async create(challenge) {
      if (!items.has(challenge.tokenHash)) items.set(challenge.tokenHash, copy(challenge));
    },
    async find(tokenHash, now) {
      const challenge = items.get(tokenHash);
      return challenge && challenge.expiresAt > now ? copy(challenge) : undefined;
    },
    async countAttempt(tokenHash, now, maxAttempts) {
      const challenge = items.get(tokenHash);
      if (!challenge || challenge.expiresAt <= now || challenge.attempts >= maxAttempts) {
        return undefined;
      }
      challenge.attempts += 1;
      return challenge.attempts;
    },
    async consume(tokenHash) {
      return items.delete(tokenHash);
    },
  };
}

/** Messages "sent", in order. */
export interface MemoryMailer extends MailSender {
  readonly sent: OutgoingMail[];
  /** The last message's link to `to`, if any. */
  linkTo(to: string): string | undefined;
}

export function memoryMailer(): MemoryMailer {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(copy(mail));
    },
    linkTo(to) {
      return sent.filter((mail) => mail.to === to && mail.link).at(-1)?.link;
    },
  };
}

/**
 * A stand-in for the KMS or local cipher: not plain text, bound to the user
 * (decrypting for another user fails, as KMS's encryption context does).
 */
export function testTotpCipher(): TotpSecretCipher {
  return {
    async encrypt(secret, userId) {
      return `test-cipher.${Buffer.from(userId).toString('base64url')}.${Buffer.from(secret).reverse().toString('base64url')}`;
    },
    async decrypt(ciphertext, userId) {
      const [prefix, owner, body] = ciphertext.split('.');
      if (prefix !== 'test-cipher' || owner !== Buffer.from(userId).toString('base64url')) {
        throw new Error("The ciphertext is not this user's.");
      }
      return Uint8Array.from(Buffer.from(body ?? '', 'base64url').reverse());
    },
  };
}

/** The token in a message's link. */
export function tokenOfLink(link: string | undefined): string {
  const token = link === undefined ? null : new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no token in ${String(link)}`);
  return token;
}

export interface MemorySessionStore extends SessionStore {
  /** Every item, live or past its end, keyed by `userId/sessionId`. */
  readonly items: Map<string, SessionRecord>;
}

export function memorySessionStore(clock: Clock): MemorySessionStore {
  const items = new Map<string, SessionRecord>();
  const key = (userId: string, sessionId: string) => `${userId}/${sessionId}`;
  const isLive = (session: SessionRecord) => session.expiresAt > epochSeconds(clock());
  return {
    items,
    async create(session) {
      const id = key(session.userId, session.sessionId);
      if (items.has(id)) throw new Error(`duplicate session ${id}`);
      items.set(id, copy(session));
    },
    async get(userId, sessionId) {
      const session = items.get(key(userId, sessionId));
      return session && isLive(session) ? copy(session) : undefined;
    },
    async listByUser(userId) {
      return [...items.values()]
        .filter((session) => session.userId === userId && isLive(session))
        .map(copy);
    },
    async rotate(userId, sessionId, { previousRefreshJti, issuedAt, rotatedAt, claims, ...next }) {
      const session = items.get(key(userId, sessionId));
      if (session?.refreshJti !== previousRefreshJti) return false;
      // Like the store's single UpdateItem: the new pair and its record at once.
      Object.assign(session, next, {
        lastRotation: {
          previousRefreshJti,
          refreshJti: next.refreshJti,
          issuedAt,
          rotatedAt,
          ...(claims ? { claims: copy(claims) } : {}),
        },
      });
      return true;
    },
    async stepUp(userId, sessionId, { previousRefreshJti, amr, ...next }) {
      const session = items.get(key(userId, sessionId));
      if (session?.refreshJti !== previousRefreshJti) return false;
      Object.assign(session, next, { amr: [...amr] });
      delete session.lastRotation;
      return true;
    },
    async remove(userId, sessionId, seenRefreshJti) {
      const id = key(userId, sessionId);
      if (items.get(id)?.refreshJti !== seenRefreshJti) return false;
      items.delete(id);
      return true;
    },
  };
}

export interface MemoryRevokedTokenStore extends RevokedTokenStore {
  readonly items: Map<string, Revocation>;
}

export function memoryRevokedTokenStore(): MemoryRevokedTokenStore {
  const items = new Map<string, Revocation>();
  return {
    items,
    async revoke(revocation) {
      if (items.has(revocation.jti)) return false;
      items.set(revocation.jti, copy(revocation));
      return true;
    },
    async isRevoked(jti) {
      return items.has(jti);
    },
    async find(jti) {
      const revocation = items.get(jti);
      return revocation && copy(revocation);
    },
  };
}

interface MemoryPair {
  attempts: number;
  attemptIds: Set<string>;
  lastAttemptAt?: number;
  lockedUntil?: number;
  lastSuccessAt?: number;
  expiresAt: number;
}

export interface MemoryLoginAttemptStore extends LoginAttemptStore {
  /** Every pair, by `account|address`. */
  readonly pairs: Map<string, MemoryPair>;
  /** Every account ceiling, by account. */
  readonly ceilings: Map<string, { window: number; count: number; attemptIds: Set<string> }>;
  /** The pair of `account` and `address`, if any. */
  pair(account: string, address: string): MemoryPair | undefined;
}

/** The table's semantics (`store/login-attempts.ts`) in memory: each call is one atomic step. */
export function memoryLoginAttemptStore(clock: Clock): MemoryLoginAttemptStore {
  const pairs = new Map<string, MemoryPair>();
  const ceilings = new Map<string, { window: number; count: number; attemptIds: Set<string> }>();
  const keyOf = ({ account, address }: { account: string; address: string }) =>
    `${account}|${address}`;
  return {
    pairs,
    ceilings,
    pair: (account, address) => pairs.get(keyOf({ account, address })),
    async admitPair(key, { attemptId, now }, rule) {
      const item = pairs.get(keyOf(key));
      if (item?.attemptIds.has(attemptId)) throw new UnavailableError();
      if (item?.lockedUntil !== undefined && item.lockedUntil > now) {
        return { admitted: false, lockedUntil: item.lockedUntil };
      }
      const stale = item?.lastAttemptAt !== undefined && item.lastAttemptAt <= rule.staleBefore;
      const attempts = !item || stale ? 1 : item.attempts + 1;
      const next: MemoryPair = {
        attempts,
        attemptIds: new Set([...(stale || !item ? [] : item.attemptIds), attemptId]),
        lastAttemptAt: now,
        expiresAt: rule.expiresAt,
        ...(item?.lastSuccessAt !== undefined ? { lastSuccessAt: item.lastSuccessAt } : {}),
        ...(attempts >= rule.threshold ? { lockedUntil: rule.checkLeaseUntil } : {}),
      };
      pairs.set(keyOf(key), next);
      return {
        admitted: true,
        attempts,
        ...(next.lastSuccessAt !== undefined ? { lastSuccessAt: next.lastSuccessAt } : {}),
      };
    },
    async admitAccount(account, { attemptId }, rule) {
      const item = ceilings.get(account);
      if (!item || item.window < rule.window) {
        ceilings.set(account, { window: rule.window, count: 1, attemptIds: new Set([attemptId]) });
        return true;
      }
      if (item.attemptIds.has(attemptId)) return true;
      if (item.count >= rule.ceiling) return false;
      item.count += 1;
      item.attemptIds.add(attemptId);
      return true;
    },
    async withdraw(key, { attemptId, now }, heldLock) {
      const item = pairs.get(keyOf(key));
      if (!item?.attemptIds.has(attemptId)) return;
      item.attempts -= 1;
      item.attemptIds.delete(attemptId);
      if (heldLock) item.lockedUntil = now;
    },
    async settleFailure(key, lockedUntil, expiresAt) {
      const item = pairs.get(keyOf(key));
      if (!item) return;
      item.lockedUntil = lockedUntil;
      item.expiresAt = expiresAt;
      item.attemptIds.clear();
    },
    async recordSuccess(key, now, expiresAt) {
      pairs.set(keyOf(key), {
        attempts: 0,
        attemptIds: new Set(),
        lastAttemptAt: now,
        lastSuccessAt: now,
        expiresAt,
      });
    },
    async listAccount(account) {
      const nowSeconds = epochSeconds(clock());
      const prefix = `${account}|`;
      const ceiling = ceilings.get(account);
      return {
        pairs: [...pairs.entries()]
          .filter(([key, item]) => key.startsWith(prefix) && item.expiresAt > nowSeconds)
          .map(([key, item]) => ({
            account,
            address: key.slice(prefix.length),
            attempts: item.attempts,
            ...(item.lockedUntil !== undefined ? { lockedUntil: item.lockedUntil } : {}),
            ...(item.lastAttemptAt !== undefined ? { lastAttemptAt: item.lastAttemptAt } : {}),
            ...(item.lastSuccessAt !== undefined ? { lastSuccessAt: item.lastSuccessAt } : {}),
          })),
        ...(ceiling ? { ceiling: { window: ceiling.window, count: ceiling.count } } : {}),
      };
    },
    async clearAccount(account) {
      const prefix = `${account}|`;
      let cleared = 0;
      for (const key of [...pairs.keys()]) {
        if (key.startsWith(prefix)) {
          pairs.delete(key);
          cleared += 1;
        }
      }
      if (ceilings.delete(account)) cleared += 1;
      return cleared;
    },
  };
}

/** A clock that stands still until a test moves it. */
/** A random HMAC key for opaque refresh tokens, as the local key file or KMS would give. */
export function testRefreshKey(): RefreshTokenKey {
  const key = randomBytes(32);
  return async () => key;
}

export interface ManualClock extends Clock {
  advance(seconds: number): void;
  set(date: Date): void;
}

export function manualClock(start: Date): ManualClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as ManualClock;
  clock.advance = (seconds) => {
    now += seconds * 1000;
  };
  clock.set = (date) => {
    now = date.getTime();
  };
  return clock;
}

export interface MemoryAdminAuditStore extends AdminAuditStore {
  /** Every record, in the order written. */
  readonly entries: AdminAuditEntry[];
}

/** The AdminAudit table in memory; `failing` makes every write fail as an unreachable store does. */
export function memoryAdminAuditStore(): MemoryAdminAuditStore & { failing: boolean } {
  const entries: AdminAuditEntry[] = [];
  return {
    entries,
    failing: false,
    async record(entry) {
      if (this.failing) throw new UnavailableError();
      entries.push(copy(entry));
    },
    async list({ limit, username }) {
      return entries
        .filter((entry) => username === undefined || entry.username === username)
        .reverse()
        .slice(0, limit)
        .map(copy);
    },
  };
}

/**
 * Everything the domain functions take, wired on the fakes: a real test
 * signing key, cheap scrypt, and a manual clock that starts at `FROZEN_NOW`.
 * Spread it into any `*Deps` argument: `login(world, …)`, `refresh(world, …)`.
 */
export async function domainWorld({
  refreshFormat = 'opaque',
}: {
  refreshFormat?: RefreshTokenFormat;
} = {}) {
  const clock = manualClock(FROZEN_NOW);
  const { signer } = await createTestSigner();
  const refreshKey = testRefreshKey();
  const users = memoryUserStore();
  return {
    clock,
    signer,
    users,
    /** The same in-memory Users table: roles live on the user's item. */
    userRoles: users as UserRoleStore,
    mfa: memoryMfaStore(users),
    mfaChallenges: memoryMfaChallengeStore(),
    totpCipher: testTotpCipher(),
    totpIssuer: TEST_SETTINGS.audience,
    sessions: memorySessionStore(clock),
    revokedTokens: memoryRevokedTokenStore(),
    loginAttempts: memoryLoginAttemptStore(clock),
    auditLog: memoryAdminAuditStore(),
    recovery: memoryRecoveryStore(users),
    mail: memoryMailer(),
    requestLimits: memoryRequestLimitStore(),
    /** The forgot and verify limits' defaults (the registry's). */
    recoveryLimits: {
      perAddressPerHour: EMAIL_SETTINGS.recoveryLimitPerAddressPerHour.default,
      perAccountPerHour: EMAIL_SETTINGS.recoveryLimitPerAccountPerHour.default,
      perClientPerHour: EMAIL_SETTINGS.recoveryLimitPerClientPerHour.default,
    } as RecoveryLimits,
    passwords: createPasswordHasher({ ...OWASP_SCRYPT, N: 2 ** 10 }),
    refreshKey,
    issuer: createTokenIssuer({
      signer,
      settings: TEST_SETTINGS,
      clock,
      refreshFormat,
      refreshKey,
    }),
    verifier: createTokenVerifier({
      keys: signer,
      settings: TEST_SETTINGS,
      clock,
      opaqueRefresh: opaqueRefreshReader(refreshKey),
    }),
    refreshGraceSeconds: DEFAULTS.refreshGraceSeconds as number,
    /** The role mapping of these tests: `editor` grants two scopes, any other role its own name. */
    roleScopes: { editor: ['notes:read', 'notes:write'] } as RoleScopes,
  };
}

export type DomainWorld = Awaited<ReturnType<typeof domainWorld>>;

/** A step of a store held back until the test lets it run. */
export interface Pause {
  /** Resolves once the paused call has been made (and is waiting). */
  reached: Promise<void>;
  /** Lets the paused call (and every later one) through. */
  release(): void;
}

/**
 * Holds back the `call`-th call (1-based) of `target[method]` until
 * `release()`: the test then runs another operation to the end in between,
 * so an interleaving of two operations is reproduced step by step, without
 * timing. Other calls pass straight through.
 */
export function pauseAt<T extends object, K extends keyof T>(
  target: T,
  method: K,
  call = 1,
): Pause {
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  let calls = 0;
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    calls += 1;
    if (calls === call) {
      reached();
      await released;
    }
    return original.apply(target, args);
  };
  return { reached: reachedPromise, release };
}
