/** The password change rules, on the in-memory stores with a manual clock. */
import { changePassword } from '../../../lambdas/auth/change-password';
import { login } from '../../../lambdas/auth/login';
import { register } from '../../../lambdas/auth/register';
import { InvalidCredentialsError, InvalidRequestError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const OLD = 'old password';
const NEW = 'a brand new password';

async function aliceWithTwoSessions(world: DomainWorld) {
  const { userId } = await register(world, { username: 'alice', password: OLD });
  const current = await login(world, { username: 'alice', password: OLD }, CLIENT);
  const other = await login(world, { username: 'alice', password: OLD }, CLIENT);
  const caller = { userId, username: 'alice', sessionId: current.access.claims.sid };
  return { userId, current, other, caller };
}

const storedHash = (world: DomainWorld) => String(world.users.items.get('alice')?.passwordHash);

describe('changePassword', () => {
  it('refuses a new password the policy refuses, before anything else, and changes nothing', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);
    const before = storedHash(world);

    const attempt = changePassword(
      world,
      caller,
      { currentPassword: OLD, newPassword: 'password123' },
      CLIENT,
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(attempt).rejects.toThrow('Invalid field "new_password"');
    expect(storedHash(world)).toBe(before);
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('stores the new hash, ends every other session and keeps the caller’s', async () => {
    const world = await domainWorld();
    const { userId, current, other, caller } = await aliceWithTwoSessions(world);

    await changePassword(world, caller, { currentPassword: OLD, newPassword: NEW }, CLIENT);

    await expect(world.passwords.verify(NEW, storedHash(world))).resolves.toBe(true);
    await expect(world.passwords.verify(OLD, storedHash(world))).resolves.toBe(false);
    for (const token of [other.access, other.refresh]) {
      expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
        reason: 'password_changed',
      });
    }
    expect(world.revokedTokens.items.size).toBe(2);
    expect((await world.sessions.listByUser(userId)).map((s) => s.sessionId)).toEqual([
      current.access.claims.sid,
    ]);
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);
    const before = storedHash(world);

    await expect(
      changePassword(world, caller, { currentPassword: 'not it', newPassword: NEW }, CLIENT),
    ).rejects.toEqual(new InvalidCredentialsError('The current password is wrong.'));
    expect(storedHash(world)).toBe(before);
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('refuses a caller whose name now belongs to another user id', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);

    await expect(
      changePassword(
        world,
        { ...caller, userId: 'AAAAAAAAAAAAAAAAAAAAAA' },
        { currentPassword: OLD, newPassword: NEW },
        CLIENT,
      ),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('refuses when a concurrent change replaced the hash first, and revokes nothing', async () => {
    const world = await domainWorld();
    const { caller } = await aliceWithTwoSessions(world);
    const stale = structuredClone(world.users.items.get('alice'));
    const winner = await world.passwords.hash('the concurrent winner');
    const alice = world.users.items.get('alice');
    if (alice) alice.passwordHash = winner;
    const users = { ...world.users, find: async () => stale };

    await expect(
      changePassword(
        { ...world, users },
        caller,
        { currentPassword: OLD, newPassword: NEW },
        CLIENT,
      ),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(storedHash(world)).toBe(winner);
    expect(world.revokedTokens.items.size).toBe(0);
  });
});
