/** RFC 7009 revocation and RFC 7662 introspection rules, on the in-memory stores. */
import { introspectToken } from '../../../lambdas/auth/introspect';
import { login } from '../../../lambdas/auth/login';
import { logout } from '../../../lambdas/auth/logout';
import { register } from '../../../lambdas/auth/register';
import { revokeByToken, searchOrder } from '../../../lambdas/auth/revoke-token';
import { UnavailableError } from '../../../lambdas/errors';
import { createTokenVerifier } from '../../../lambdas/tokens/verify';
import { type DomainWorld, domainWorld } from '../../support/fakes';
import { TEST_SETTINGS } from '../../support/keys';

const CLIENT = { ip: '203.0.113.9', userAgent: 'oauth-client' };

async function loggedIn(world: DomainWorld) {
  await register(world, { username: 'alice', password: 'correct horse battery' });
  return login(world, { username: 'alice', password: 'correct horse battery' }, CLIENT);
}

function tamper(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  return `${header}.${payload}.${flipped}`;
}

describe('searchOrder', () => {
  it.each([
    [undefined, ['access', 'refresh']],
    ['access_token', ['access', 'refresh']],
    ['refresh_token', ['refresh', 'access']],
    ['id_token', ['access', 'refresh']],
    ['', ['access', 'refresh']],
  ])('hint %p searches %p', (hint, order) => {
    expect(searchOrder(hint)).toEqual(order);
  });
});

describe('revokeByToken', () => {
  it.each([
    ['access', undefined],
    ['access', 'access_token'],
    ['access', 'refresh_token'],
    ['refresh', undefined],
    ['refresh', 'refresh_token'],
    ['refresh', 'access_token'],
    ['refresh', 'unknown_hint'],
  ] as const)('ends the whole session given the %s token with hint %p', async (use, hint) => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    const recognised = await revokeByToken(world, pair[use].token, hint, CLIENT);

    expect(recognised).toBe(true);
    expect(await world.revokedTokens.isRevoked(pair.access.claims.jti)).toBe(true);
    expect(await world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
    expect(world.revokedTokens.items.get(pair.access.claims.jti)).toMatchObject({
      reason: 'logout',
      ip: CLIENT.ip,
    });
    expect(world.sessions.items.size).toBe(0);
  });

  it('leaves other sessions of the user alone', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);
    const second = await login(
      world,
      { username: 'alice', password: 'correct horse battery' },
      CLIENT,
    );

    await revokeByToken(world, first.refresh.token, 'refresh_token', CLIENT);

    expect(await world.revokedTokens.isRevoked(second.access.claims.jti)).toBe(false);
    expect(world.sessions.items.size).toBe(1);
  });

  it.each([
    ['garbage', () => 'not-a-token'],
    ['an empty string', () => ''],
  ])('changes nothing and raises nothing for %s', async (_name, token) => {
    const world = await domainWorld();
    await loggedIn(world);

    await expect(revokeByToken(world, token(), undefined, CLIENT)).resolves.toBe(false);

    expect(world.revokedTokens.items.size).toBe(0);
    expect(world.sessions.items.size).toBe(1);
  });

  it('changes nothing for a token whose signature does not verify', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    await expect(revokeByToken(world, tamper(pair.access.token), undefined, CLIENT)).resolves.toBe(
      false,
    );
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('changes nothing for a token signed by another key', async () => {
    const world = await domainWorld();
    await loggedIn(world);
    const stranger = await domainWorld();
    const foreign = await loggedIn(stranger);

    await expect(revokeByToken(world, foreign.refresh.token, undefined, CLIENT)).resolves.toBe(
      false,
    );
    expect(world.revokedTokens.items.size).toBe(0);
  });

  it('succeeds again for a session already revoked', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    await logout(world, { accessToken: pair.access.token }, CLIENT);

    await expect(revokeByToken(world, pair.refresh.token, undefined, CLIENT)).resolves.toBe(true);
    expect(world.sessions.items.size).toBe(0);
  });

  it('ends the session of an expired access token too (RFC 7009 answers 200 for it)', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    world.clock.advance(20 * 60);

    await revokeByToken(world, pair.access.token, 'access_token', CLIENT);

    expect(await world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
    expect(world.sessions.items.size).toBe(0);
  });

  it('propagates a store failure instead of answering as if revoked', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    world.revokedTokens.revoke = async () => {
      throw new UnavailableError();
    };

    await expect(revokeByToken(world, pair.access.token, undefined, CLIENT)).rejects.toThrow(
      UnavailableError,
    );
  });
});

describe('introspectToken', () => {
  it('describes a live access token', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    const result = await introspectToken(world, pair.access.token);

    const { claims } = pair.access;
    expect(result).toEqual({
      active: true,
      sub: claims.sub,
      sid: claims.sid,
      jti: claims.jti,
      exp: claims.exp,
      iat: claims.iat,
      iss: TEST_SETTINGS.issuer,
      aud: TEST_SETTINGS.audience,
      token_type: 'Bearer',
      username: 'alice',
      client_id: TEST_SETTINGS.clientId,
      amr: ['pwd'],
    });
  });

  it('says amr ["pwd"] for an access token issued before amr existed (a password login)', async () => {
    const world = await domainWorld();
    const { access } = await loggedIn(world);
    const { sub, sid, username } = access.claims;
    const legacy = await world.issuer.issuePair({
      sub,
      sid,
      username,
      sessionExpiresAt: world.issuer.sessionExpiresAt(),
    });
    expect(legacy.access.claims.amr).toBeUndefined();

    expect(await introspectToken(world, legacy.access.token)).toMatchObject({
      active: true,
      amr: ['pwd'],
    });
  });

  it('says inactive for a live refresh token: it is no credential for a resource server', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    expect(await introspectToken(world, pair.refresh.token)).toEqual({ active: false });
  });

  it('says inactive for a revoked access token', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    await logout(world, { accessToken: pair.access.token }, CLIENT);

    expect(await introspectToken(world, pair.access.token)).toEqual({ active: false });
  });

  it('says inactive for an expired access token', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    world.clock.advance(16 * 60);

    expect(await introspectToken(world, pair.access.token)).toEqual({ active: false });
  });

  it.each([
    ['a bad signature', (token: string) => tamper(token)],
    ['garbage', () => 'abc.def.ghi'],
  ])('says inactive for %s', async (_name, mangle) => {
    const world = await domainWorld();
    const pair = await loggedIn(world);

    expect(await introspectToken(world, mangle(pair.access.token))).toEqual({ active: false });
  });

  it('fails closed (503) when the revocation store cannot be read', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    world.revokedTokens.isRevoked = async () => {
      throw new UnavailableError();
    };

    await expect(introspectToken(world, pair.access.token)).rejects.toThrow(UnavailableError);
  });
});

describe('accepted issuers', () => {
  it('accepts a token of a listed earlier issuer and refuses one of an unlisted issuer', async () => {
    const world = await domainWorld();
    const pair = await loggedIn(world);
    const renamed = { ...TEST_SETTINGS, issuer: 'https://new.example' };
    const keeping = createTokenVerifier({
      keys: world.signer,
      settings: { ...renamed, acceptedIssuers: [TEST_SETTINGS.issuer] },
      clock: world.clock,
    });
    const strict = createTokenVerifier({
      keys: world.signer,
      settings: renamed,
      clock: world.clock,
    });

    await expect(keeping.verify(pair.access.token, 'access')).resolves.toMatchObject({
      iss: TEST_SETTINGS.issuer,
    });
    await expect(strict.verify(pair.access.token, 'access')).rejects.toMatchObject({
      reason: 'claim_invalid',
    });
  });
});
