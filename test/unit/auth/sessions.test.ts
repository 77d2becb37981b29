/** Listing and ending one's own sessions, on the in-memory stores with a manual clock. */
import { login } from '../../../lambdas/auth/login';
import { register } from '../../../lambdas/auth/register';
import { deleteSession, listSessions } from '../../../lambdas/auth/sessions';
import { NotFoundError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };

async function user(world: DomainWorld, username: string) {
  const { userId } = await register(world, { username, password: 'correct horse' });
  const session = () => login(world, { username, password: 'correct horse' }, CLIENT);
  return { userId, session };
}

describe('listSessions', () => {
  it('lists the caller’s live sessions newest first, marking the current one', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const bob = await user(world, 'bob');
    const older = await alice.session();
    world.clock.advance(60);
    const newer = await alice.session();
    await bob.session();

    const sessions = await listSessions(world, {
      userId: alice.userId,
      sessionId: older.access.claims.sid,
    });

    expect(sessions).toEqual([
      {
        sessionId: newer.access.claims.sid,
        createdAt: world.clock().toISOString(),
        refreshedAt: null,
        expiresAt: new Date(newer.refresh.claims.exp * 1000).toISOString(),
        ip: CLIENT.ip,
        userAgent: CLIENT.userAgent,
        current: false,
      },
      expect.objectContaining({ sessionId: older.access.claims.sid, current: true }),
    ]);
  });

  it('leaves out a session past its end, even before anything deletes it', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const pair = await alice.session();
    world.clock.advance(31 * 24 * 3600);

    expect(
      await listSessions(world, { userId: alice.userId, sessionId: pair.access.claims.sid }),
    ).toEqual([]);
  });
});

describe('deleteSession', () => {
  it('revokes both tokens of the named session of the caller and deletes it', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const kept = await alice.session();
    const ended = await alice.session();

    await deleteSession(world, alice.userId, ended.access.claims.sid, CLIENT);

    for (const token of [ended.access, ended.refresh]) {
      expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
        reason: 'session_revoked',
      });
    }
    expect(world.revokedTokens.items.size).toBe(2);
    expect(await world.sessions.get(alice.userId, ended.access.claims.sid)).toBeUndefined();
    expect(await world.sessions.get(alice.userId, kept.access.claims.sid)).toBeDefined();
  });

  it('answers not found for another user’s session and revokes nothing', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const bob = await user(world, 'bob');
    await alice.session();
    const bobs = await bob.session();

    await expect(
      deleteSession(world, alice.userId, bobs.access.claims.sid, CLIENT),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(world.revokedTokens.items.size).toBe(0);
    expect(await world.sessions.get(bob.userId, bobs.access.claims.sid)).toBeDefined();
  });
});
