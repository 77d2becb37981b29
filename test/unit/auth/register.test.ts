/** The registration rules, on the in-memory stores with a manual clock. */
import { register } from '../../../lambdas/auth/register';
import { InvalidRequestError, UsernameTakenError } from '../../../lambdas/errors';
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
    await world.users.create({
      username: ' \u0308bob',
      userId: 'old-account',
      passwordHash: await world.passwords.hash('correct horse'),
      createdAt: FROZEN_NOW.toISOString(),
    });

    await expect(
      register(world, { username: '\u00a8bob', password: 'another horse battery' }),
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

  it('normalises the name it is given and stores it under that', async () => {
    const world = await domainWorld();

    const user = await register(world, { username: '  ＡＬＩＣＥ ', password: 'correct horse' });

    expect(user.username).toBe('alice');
    expect(world.users.items.has('alice')).toBe(true);
  });

  it.each([
    ['a name of 2 characters', { username: 'al', password: 'correct horse' }, 'username'],
    ['an invisible character', { username: 'ali\u200bce', password: 'correct horse' }, 'username'],
    ['a short password', { username: 'alice', password: 'short' }, 'password'],
    ['a common password', { username: 'alice', password: 'password123' }, 'password'],
  ])(
    'refuses %s and stores nothing (the policy is the domain’s)',
    async (_, registration, field) => {
      const world = await domainWorld();

      const attempt = register(world, registration);

      await expect(attempt).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(attempt).rejects.toThrow(`Invalid field "${field}"`);
      expect(world.users.items.size).toBe(0);
    },
  );
});
