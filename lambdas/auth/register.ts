/**
 * Registration: a new user with a unique normalised username and a hashed
 * password. Unique under both normalisations: a name whose first-releases
 * normalisation is an existing account's is taken too, or the newcomer
 * would shadow that account at login.
 */
import { type Clock, newId } from '../clock';
import { UsernameTakenError } from '../errors';
import type { PasswordHasher } from './passwords';
import type { UserStore } from './ports';

export interface RegisterDeps {
  users: Pick<UserStore, 'create' | 'find'>;
  passwords: Pick<PasswordHasher, 'hash'>;
  clock: Clock;
  newId?: () => string;
}

export interface Registration {
  /** Already normalised and checked by the caller (see `contract/requests.ts`). */
  username: string;
  /** The legacy normalisation of the same input, when it differs (`credentials-rules.ts`). */
  legacyUsername?: string | undefined;
  password: string;
}

export interface RegisteredUser {
  userId: string;
  username: string;
}

/** Creates the user; throws `UsernameTakenError` (409) when the name exists. */
export async function register(
  { users, passwords, clock, newId: makeId = newId }: RegisterDeps,
  { username, legacyUsername, password }: Registration,
): Promise<RegisteredUser> {
  if (legacyUsername !== undefined && legacyUsername !== username) {
    if (await users.find(legacyUsername)) throw new UsernameTakenError();
  }
  const user = {
    username,
    userId: makeId(),
    passwordHash: await passwords.hash(password),
    createdAt: clock().toISOString(),
  };
  await users.create(user);
  return { userId: user.userId, username: user.username };
}
