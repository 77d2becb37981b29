/** Logout everywhere, on the in-memory stores with a manual clock. */
import { login } from '../../../lambdas/auth/login';
import { logoutAll } from '../../../lambdas/auth/logout-all';
import { register } from '../../../lambdas/auth/register';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };

async function user(world: DomainWorld, username: string) {
  const { userId } = await register(world, { username, password: 'correct horse' });
  const session = () => login(world, { username, password: 'correct horse' }, CLIENT);
  return { userId, session };
}

describe('logoutAll', () => {
  it('revokes both tokens of every session of the user and deletes them, and no other user’s', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const bob = await user(world, 'bob');
    const laptop = await alice.session();
    const phone = await alice.session();
    const bobs = await bob.session();

    await logoutAll(world, { userId: alice.userId, username: 'alice' }, CLIENT);

    for (const pair of [laptop, phone]) {
      for (const token of [pair.access, pair.refresh]) {
        expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
          reason: 'logout_all',
          sub: alice.userId,
          sid: pair.access.claims.sid,
          ip: CLIENT.ip,
        });
      }
    }
    expect(world.revokedTokens.items.size).toBe(4);
    expect(await world.sessions.listByUser(alice.userId)).toEqual([]);
    expect(await world.sessions.get(bob.userId, bobs.access.claims.sid)).toBeDefined();
  });

  it('does nothing for a user without sessions', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');

    await logoutAll(world, { userId: alice.userId, username: 'alice' }, CLIENT);

    expect(world.revokedTokens.items.size).toBe(0);
  });
});
