/** The registration rules, on the in-memory stores with a manual clock. */
import { register } from '../../../lambdas/auth/register';
import { UsernameTakenError } from '../../../lambdas/errors';
import { domainWorld } from '../../support/fakes';
import { FROZEN_NOW } from '../../support/keys';

describe('register', () => {
  it('stores the user under its name with a fresh id and a scrypt hash, never the password', async () => {
    const world = await domainWorld();

    const user = await register(world, { username: 'alice', password: 'correct horse' });

    expect(user).toEqual({ userId: expect.stringMatching(/^[\w-]{22}$/), username: 'alice' });
    const stored = world.users.items.get('alice');
    expect(stored).toEqual({
      username: 'alice',
      userId: user.userId,
      passwordHash: expect.stringMatching(/^scrypt\$N=1024,r=8,p=1\$/),
      createdAt: FROZEN_NOW.toISOString(),
    });
    expect(JSON.stringify(stored)).not.toContain('correct horse');
    await expect(world.passwords.verify('correct horse', stored?.passwordHash)).resolves.toBe(true);
  });

  it('refuses a name whose first-releases normalisation is an existing account (409), so it cannot shadow it (F5)', async () => {
    const world = await domainWorld();
    // Stored by the first releases, which trimmed before NFKC: "\u00a8bob" became " \u0308bob".
    await register(world, { username: ' \u0308bob', password: 'correct horse' });

    await expect(
      register(world, {
        username: '\u0308bob',
        legacyUsername: ' \u0308bob',
        password: 'another horse',
      }),
    ).rejects.toBeInstanceOf(UsernameTakenError);
    expect(world.users.items.has('\u0308bob')).toBe(false);
  });

  it('refuses a taken name and leaves the first account as it was', async () => {
    const world = await domainWorld();
    await register(world, { username: 'alice', password: 'correct horse' });
    const first = structuredClone(world.users.items.get('alice'));

    await expect(
      register(world, { username: 'alice', password: 'another password' }),
    ).rejects.toBeInstanceOf(UsernameTakenError);
    expect(world.users.items.get('alice')).toEqual(first);
  });
});
