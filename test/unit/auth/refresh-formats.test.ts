/**
 * Both refresh token formats side by side: a JWT refresh token issued before
 * the upgrade keeps working and rotates into an opaque one; an opaque token is
 * rotated, replayed, detected when reused and revoked exactly like a JWT; and
 * a forged opaque token (it names a session, anyone can read `sid` in an
 * access token) changes nothing.
 */
import { introspectToken } from '../../../lambdas/auth/introspect';
import { login } from '../../../lambdas/auth/login';
import { logout } from '../../../lambdas/auth/logout';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import { revokeByToken } from '../../../lambdas/auth/revoke-token';
import { InvalidTokenError } from '../../../lambdas/errors';
import { createTokenIssuer } from '../../../lambdas/tokens/issue';
import { mintOpaqueRefreshToken, randomNonce } from '../../../lambdas/tokens/opaque-refresh';
import { type DomainWorld, domainWorld } from '../../support/fakes';
import { TEST_SETTINGS } from '../../support/keys';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const CREDENTIALS = { username: 'alice', password: 'correct horse battery' };

/** The code before the upgrade: it issues JWT refresh tokens, signed by the same key. */
const jwtIssuing = (world: DomainWorld) => ({
  ...world,
  issuer: createTokenIssuer({
    signer: world.signer,
    settings: TEST_SETTINGS,
    clock: world.clock,
    refreshFormat: 'jwt',
  }),
});

async function loggedIn(world: DomainWorld) {
  await register(world, CREDENTIALS);
  return login(world, CREDENTIALS, CLIENT);
}

const reasonOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.reason;
    throw error;
  }
  return 'accepted';
};

const theSession = (world: DomainWorld) => [...world.sessions.items.values()][0];

describe('a JWT refresh token issued before the upgrade', () => {
  it('refreshes against the new code into an opaque token, and that one refreshes too', async () => {
    const world = await domainWorld();
    const old = await loggedIn(jwtIssuing(world));
    expect(old.refresh.token.split('.')).toHaveLength(3);

    const upgraded = await refresh(world, old.refresh.token, CLIENT);
    expect(upgraded.refresh.token).toMatch(/^rt1\./);
    expect(upgraded.refresh.claims.exp).toBe(old.refresh.claims.exp);

    const next = await refresh(world, upgraded.refresh.token, CLIENT);
    expect(next.refresh.token).toMatch(/^rt1\./);
    expect(theSession(world)?.refreshJti).toBe(next.refresh.claims.jti);
  });

  it('replayed within the grace window, gets the very same opaque successor', async () => {
    const world = await domainWorld();
    const old = await loggedIn(jwtIssuing(world));

    const first = await refresh(world, old.refresh.token, CLIENT);
    world.clock.advance(10);
    const again = await refresh(world, old.refresh.token, CLIENT);

    expect(again.refresh.token).toBe(first.refresh.token);
    expect(again.access.claims).toEqual(first.access.claims);
  });

  it('is still reuse after a second rotation: the session ends', async () => {
    const world = await domainWorld();
    const old = await loggedIn(jwtIssuing(world));
    const second = await refresh(world, old.refresh.token, CLIENT);
    await refresh(world, second.refresh.token, CLIENT);

    expect(await reasonOf(refresh(world, old.refresh.token, CLIENT))).toBe('reused');
    expect(world.sessions.items.size).toBe(0);
  });
});

describe('opaque refresh tokens in the refresh rules', () => {
  it('store only a reference: no token, nonce or tag is in the session item', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    const second = await refresh(world, pair.refresh.token, CLIENT);

    const stored = JSON.stringify(theSession(world));
    for (const token of [pair.refresh.token, second.refresh.token]) {
      const secret = token.split('.')[4] as string;
      expect(stored).not.toContain(secret.slice(0, 20));
      expect(stored).not.toContain(secret.slice(-20));
    }
    expect(theSession(world)).toMatchObject({
      refreshJti: second.refresh.claims.jti,
      lastRotation: { previousRefreshJti: pair.refresh.claims.jti },
    });
  });

  it('a replay within the window gets the same successor, to the byte', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    const first = await refresh(world, pair.refresh.token, CLIENT);
    const again = await refresh(world, pair.refresh.token, CLIENT);

    expect(again.refresh.token).toBe(first.refresh.token);
  });

  it('a forged token for a live session is refused and changes nothing', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    const { sub, sid, exp } = pair.refresh.claims;
    const forged = mintOpaqueRefreshToken(Buffer.alloc(32, 7), {
      sub,
      sid,
      exp,
      nonce: randomNonce(),
    }).token;
    const before = JSON.stringify(theSession(world));

    expect(await reasonOf(refresh(world, forged, CLIENT))).toBe('bad_signature');
    expect(await reasonOf(logout(world, { refreshToken: forged }, CLIENT))).toBe('bad_signature');
    await expect(revokeByToken(world, forged, 'refresh_token', CLIENT)).resolves.toBe(false);

    expect(JSON.stringify(theSession(world))).toBe(before);
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('a genuine older token is reuse: the session ends for everyone', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    const second = await refresh(world, pair.refresh.token, CLIENT);
    const third = await refresh(world, second.refresh.token, CLIENT);

    expect(await reasonOf(refresh(world, pair.refresh.token, CLIENT))).toBe('reused');
    expect(await reasonOf(refresh(world, third.refresh.token, CLIENT))).toBe('session_ended');
  });

  it('logout and RFC 7009 revocation with the refresh token end the session', async () => {
    const world = await domainWorld();
    const byLogout = await loggedIn(world);
    await logout(world, { refreshToken: byLogout.refresh.token }, CLIENT);
    expect(await reasonOf(refresh(world, byLogout.refresh.token, CLIENT))).toBe('session_ended');

    const byRevoke = await login(world, CREDENTIALS, CLIENT);
    await expect(revokeByToken(world, byRevoke.refresh.token, undefined, CLIENT)).resolves.toBe(
      true,
    );
    expect(world.sessions.items.size).toBe(0);
  });

  it('introspect as inactive, like every refresh token', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    await expect(introspectToken(world, pair.refresh.token)).resolves.toEqual({ active: false });
  });
});
