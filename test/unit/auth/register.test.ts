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
