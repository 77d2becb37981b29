/** The logout rules, on the in-memory stores with a manual clock. */
import { login } from '../../../lambdas/auth/login';
import { logout } from '../../../lambdas/auth/logout';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import { revokeByToken } from '../../../lambdas/auth/revoke-token';
import { InvalidRequestError, InvalidTokenError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };

async function loggedIn(world: DomainWorld) {
  await register(world, { username: 'alice', password: 'correct horse battery' });
  return login(world, { username: 'alice', password: 'correct horse battery' }, CLIENT);
}

describe('logout', () => {
  it('revokes both tokens of the session and deletes it, given the access token alone', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    await logout(world, { accessToken: pair.access.token }, CLIENT);

    expect(await world.revokedTokens.isRevoked(pair.access.claims.jti)).toBe(true);
    expect(await world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
    expect(world.revokedTokens.items.get(pair.refresh.claims.jti)).toMatchObject({
      reason: 'logout',
      tokenUse: 'refresh',
      ip: CLIENT.ip,
    });
    expect(world.sessions.items.size).toBe(0);
  });

  it('revokes both tokens of the session given the refresh token alone', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    await logout(world, { refreshToken: pair.refresh.token }, CLIENT);

    expect(await world.revokedTokens.isRevoked(pair.access.claims.jti)).toBe(true);
    expect(await world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
    expect(world.sessions.items.size).toBe(0);
  });

  it('writes no revocation for an access token long dead on exp, only for the live refresh token', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    world.clock.advance(3600);

    await logout(world, { accessToken: pair.access.token }, CLIENT);

    expect([...world.revokedTokens.items.keys()]).toEqual([pair.refresh.claims.jti]);
    expect(world.sessions.items.size).toBe(0);
  });

  it('accepts an access token that expired a moment ago', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    world.clock.advance(16 * 60);

    await logout(world, { accessToken: pair.access.token }, CLIENT);

    expect(world.sessions.items.size).toBe(0);
  });

  it('is idempotent: a second logout with the same token succeeds and changes nothing', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    await logout(world, { refreshToken: pair.refresh.token }, CLIENT);
    const before = [...world.revokedTokens.items.values()];

    await logout(world, { refreshToken: pair.refresh.token }, CLIENT);

    expect([...world.revokedTokens.items.values()]).toEqual(before);
  });

  it('refuses a call with no token (400) and tokens of two sessions (400)', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);
    const second = await login(
      world,
      { username: 'alice', password: 'correct horse battery' },
      CLIENT,
    );

    await expect(logout(world, {}, CLIENT)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      logout(
        world,
        { accessToken: first.access.token, refreshToken: second.refresh.token },
        CLIENT,
      ),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('refuses a token that does not verify (401) and revokes nothing', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    const tampered = `${pair.access.token.slice(0, -4)}AAAA`;

    await expect(logout(world, { accessToken: tampered }, CLIENT)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    expect(world.revokedTokens.items.size).toBe(0);
  });

  describe('only a token that is still the session’s own ends it (F10)', () => {
    it('a superseded access token, however old, revokes nothing: the live session goes on', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      world.clock.advance(60);
      const current = await refresh(world, first.refresh.token, CLIENT);
      world.clock.advance(30 * 24 * 60 * 60 - 120);
      const before = [...world.revokedTokens.items.keys()];

      await logout(world, { accessToken: first.access.token }, CLIENT);
      await revokeByToken(world, first.access.token, 'access_token', CLIENT);

      expect([...world.revokedTokens.items.keys()]).toEqual(before);
      expect(world.sessions.items.size).toBe(1);
      expect(await world.revokedTokens.isRevoked(current.refresh.claims.jti)).toBe(false);
    });

    it('a superseded refresh token past the grace window revokes nothing', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      await refresh(world, first.refresh.token, CLIENT);
      world.clock.advance(world.refreshGraceSeconds + 1);

      await logout(world, { refreshToken: first.refresh.token }, CLIENT);

      expect(world.sessions.items.size).toBe(1);
    });

    it('the grace-window predecessor still ends the session', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const current = await refresh(world, first.refresh.token, CLIENT);

      await logout(world, { refreshToken: first.refresh.token }, CLIENT);

      expect(world.sessions.items.size).toBe(0);
      expect(await world.revokedTokens.isRevoked(current.refresh.claims.jti)).toBe(true);
    });

    it('the current access token ends its session even after it expired; the other session stays', async () => {
      const world = await domainWorld();
      await loggedIn(world);
      const current = await login(
        world,
        { username: 'alice', password: 'correct horse battery' },
        CLIENT,
      );
      world.clock.advance(3600);

      await logout(world, { accessToken: current.access.token }, CLIENT);

      expect(await world.revokedTokens.isRevoked(current.refresh.claims.jti)).toBe(true);
      expect(world.sessions.items.size).toBe(1);
    });
  });
});
