/** Registration: a new user with a unique normalised username and a hashed password. */
import { type Clock, newId } from '../clock';
import { assertNewPassword, assertNewUsername } from './credential-policy';
import type { PasswordHasher } from './passwords';
import type { UserStore } from './ports';

export interface RegisterDeps {
  users: Pick<UserStore, 'create'>;
  passwords: Pick<PasswordHasher, 'hash'>;
  clock: Clock;
  newId?: () => string;
}

export interface Registration {
  /** As the user typed it: normalised and checked here (`credential-policy.ts`). */
  username: string;
  password: string;
}

export interface RegisteredUser {
  userId: string;
  username: string;
}

/**
 * Creates the user; throws `InvalidRequestError` (400) when the policy
 * refuses the name or the password, `UsernameTakenError` (409) when the name
 * exists.
 */
export async function register(
  { users, passwords, clock, newId: makeId = newId }: RegisterDeps,
  { username: raw, password }: Registration,
): Promise<RegisteredUser> {
  const username = assertNewUsername(raw);
  assertNewPassword(password);
  const user = {
    username,
    userId: makeId(),
    passwordHash: await passwords.hash(password),
    createdAt: clock().toISOString(),
  };
  await users.create(user);
  return { userId: user.userId, username: user.username };
}
