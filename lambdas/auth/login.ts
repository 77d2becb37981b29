/** Login: check the password, open a session, issue its first token pair. */
import { type Clock, newId } from '../clock';
import { InvalidCredentialsError } from '../errors';
import { log } from '../log';
import type { TokenIssuer, TokenPair } from '../tokens/issue';
import type { PasswordHasher } from './passwords';
import type { ClientInfo, SessionStore, UserRecord, UserStore } from './ports';

export interface LoginDeps {
  users: Pick<UserStore, 'find' | 'changePassword'>;
  sessions: Pick<SessionStore, 'create'>;
  passwords: PasswordHasher;
  issuer: TokenIssuer;
  clock: Clock;
  newId?: () => string;
}

export interface Credentials {
  /** Already normalised by the caller. */
  username: string;
  password: string;
}

/**
 * Unknown user and wrong password throw the same `InvalidCredentialsError`
 * after the same scrypt work, so neither the body nor the time tells them apart.
 */
export async function login(
  { users, sessions, passwords, issuer, clock, newId: makeId = newId }: LoginDeps,
  { username, password }: Credentials,
  client: ClientInfo,
): Promise<TokenPair> {
  const user = await users.find(username);
  const valid = await passwords.verify(password, user?.passwordHash);
  if (!user || !valid) throw new InvalidCredentialsError();
  if (passwords.needsRehash(user.passwordHash)) await upgradeHash(users, passwords, user, password);

  const sessionId = makeId();
  const sessionExpiresAt = issuer.sessionExpiresAt();
  const pair = await issuer.issuePair({
    sub: user.userId,
    sid: sessionId,
    username: user.username,
    sessionExpiresAt,
  });
  await sessions.create({
    userId: user.userId,
    sessionId,
    username: user.username,
    accessJti: pair.access.claims.jti,
    accessExp: pair.access.claims.exp,
    refreshJti: pair.refresh.claims.jti,
    refreshExp: pair.refresh.claims.exp,
    createdAt: clock().toISOString(),
    expiresAt: sessionExpiresAt,
    ...client,
  });
  return pair;
}

/**
 * Re-hashes a password stored with older parameters, now that the plain text
 * is at hand. Best effort: the login goes on if the write fails, and a
 * concurrent password change wins (the update is conditional on the old hash).
 */
async function upgradeHash(
  users: Pick<UserStore, 'changePassword'>,
  passwords: PasswordHasher,
  user: UserRecord,
  password: string,
): Promise<void> {
  try {
    await users.changePassword({
      username: user.username,
      userId: user.userId,
      previousHash: user.passwordHash,
      passwordHash: await passwords.hash(password),
    });
  } catch (error) {
    log('warn', 'password re-hash failed; the old hash stays', { sub: user.userId, error });
  }
}
