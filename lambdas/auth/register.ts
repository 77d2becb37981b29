/**
 * Registration: a new user with a unique normalised username and a hashed
 * password. Unique under both normalisations: a name whose first-releases
 * normalisation is an existing account's is taken too, or the newcomer
 * would shadow that account at login.
 */
import { type Clock, newId } from '../clock';
import { UsernameTakenError } from '../errors';
import { assertNewPassword, assertNewUsername } from './credential-policy';
import { legacyNormaliseUsername } from './credentials-rules';
import type { PasswordHasher } from './passwords';
import type { UserStore } from './ports';

export interface RegisterDeps {
  users: Pick<UserStore, 'create' | 'find'>;
  passwords: Pick<PasswordHasher, 'hash'>;
  clock: Clock;
  /** The roles every new user gets (setting `defaultRoles`). */
  defaultRoles?: readonly string[];
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
 * exists under either normalisation.
 */
export async function register(
  { users, passwords, clock, defaultRoles = [], newId: makeId = newId }: RegisterDeps,
  { username: raw, password }: Registration,
): Promise<RegisteredUser> {
  const username = assertNewUsername(raw);
  assertNewPassword(password);
  const legacy = legacyNormaliseUsername(raw);
  if (legacy !== username && (await users.find(legacy))) throw new UsernameTakenError();
  const user = {
    username,
    userId: makeId(),
    passwordHash: await passwords.hash(password),
    createdAt: clock().toISOString(),
    ...(defaultRoles.length > 0 ? { roles: [...defaultRoles].sort() } : {}),
  };
  await users.create(user);
  return { userId: user.userId, username: user.username };
}
