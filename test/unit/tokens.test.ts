import { InvalidTokenError } from '../../lambdas/errors';
import { createTokenIssuer, type SessionSubject } from '../../lambdas/tokens/issue';
import { createTokenVerifier } from '../../lambdas/tokens/verify';
import {
  createTestSigner,
  decodeJwt,
  FROZEN_NOW,
  frozenClock,
  TEST_SETTINGS,
} from '../support/keys';

const NOW = FROZEN_NOW.getTime() / 1000;
const subject: SessionSubject = {
  sub: 'user-1',
  sid: 'session-1',
  username: 'alice',
  sessionExpiresAt: NOW + TEST_SETTINGS.refreshTokenTtlSeconds,
};

/** Tokens are issued at FROZEN_NOW; the verifier's clock is `clock`. */
async function setup(clock = frozenClock) {
  const { signer } = await createTestSigner();
  return {
    signer,
    issuer: createTokenIssuer({ signer, settings: TEST_SETTINGS, clock: frozenClock }),
    verifier: createTokenVerifier({ keys: signer, settings: TEST_SETTINGS, clock }),
  };
}

const at = (seconds: number) => () => new Date((NOW + seconds) * 1000);

describe('createTokenIssuer', () => {
  it('issues an access token with the JOSE header and claims of docs/design.md', async () => {
    const { signer, issuer } = await setup();

    const { access } = await issuer.issuePair(subject);

    const { header, payload } = decodeJwt(access.token);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: (await signer.publicKey()).kid });
    expect(payload).toEqual({
      iss: TEST_SETTINGS.issuer,
      aud: TEST_SETTINGS.audience,
      sub: 'user-1',
      sid: 'session-1',
      jti: expect.any(String),
      iat: NOW,
      exp: NOW + TEST_SETTINGS.accessTokenTtlSeconds,
      token_use: 'access',
      username: 'alice',
      client_id: TEST_SETTINGS.clientId,
    });
    expect(access.claims).toEqual(payload);
  });

  it('issues a refresh token that ends with the session and carries no username', async () => {
    const { issuer } = await setup();

    const { refresh } = await issuer.issuePair(subject);

    const { header, payload } = decodeJwt(refresh.token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'refresh+jwt' });
    expect(payload).toEqual({
      iss: TEST_SETTINGS.issuer,
      aud: TEST_SETTINGS.audience,
      sub: 'user-1',
      sid: 'session-1',
      jti: expect.any(String),
      iat: NOW,
      exp: subject.sessionExpiresAt,
      token_use: 'refresh',
    });
  });

  it('counts the session from now with the configured refresh lifetime', async () => {
    const { issuer } = await setup();

    expect(issuer.sessionExpiresAt()).toBe(NOW + TEST_SETTINGS.refreshTokenTtlSeconds);
  });

  it('never lets an access token outlive its session', async () => {
    const { issuer } = await setup();

    const { access } = await issuer.issuePair({ ...subject, sessionExpiresAt: NOW + 60 });

    expect(access.claims.exp).toBe(NOW + 60);
  });

  it('gives every token a distinct random jti of 128 bits', async () => {
    const { issuer } = await setup();

    const pairs = await Promise.all([1, 2, 3].map(() => issuer.issuePair(subject)));

    const jtis = pairs.flatMap(({ access, refresh }) => [access.claims.jti, refresh.claims.jti]);
    expect(new Set(jtis).size).toBe(6);
    for (const jti of jtis) expect(Buffer.from(jti, 'base64url')).toHaveLength(16);
  });
});

describe('signing a pair again from its identity', () => {
  it('rebuilds exactly the claims of a pair from its ids, iat and exps, and signs them anew', async () => {
    const { issuer, verifier } = await setup();
    const original = await issuer.issuePair(subject);
    const { access, refresh } = original;

    const claims = await issuer.pairClaims(
      subject,
      {
        accessJti: access.claims.jti,
        accessExp: access.claims.exp,
        refreshJti: refresh.claims.jti,
        refreshExp: refresh.claims.exp,
        iat: access.claims.iat,
      },
      'the refresh token it succeeded',
    );
    const again = await issuer.signPair(claims);

    expect(decodeJwt(again.access.token).payload).toEqual(decodeJwt(access.token).payload);
    expect(decodeJwt(again.refresh.token).payload).toEqual(decodeJwt(refresh.token).payload);
    expect(again.access.token).not.toBe(access.token);
    await expect(verifier.verify(again.access.token, 'access')).resolves.toEqual(access.claims);
    await expect(verifier.verify(again.refresh.token, 'refresh')).resolves.toEqual(refresh.claims);
  });

  it('draws a fresh identity without signing', async () => {
    const { issuer } = await setup();

    const first = await issuer.newPairClaims(subject);
    const second = await issuer.newPairClaims(subject);

    expect(first.access.jti).not.toBe(second.access.jti);
    expect(first.access).toMatchObject({ iat: NOW, sub: 'user-1', token_use: 'access' });
    expect(first.refresh).toMatchObject({ exp: subject.sessionExpiresAt, token_use: 'refresh' });
  });
});

describe('createTokenVerifier', () => {
  it('accepts each kind of token where that kind is expected', async () => {
    const { issuer, verifier } = await setup();
    const { access, refresh } = await issuer.issuePair(subject);

    await expect(verifier.verify(access.token, 'access')).resolves.toEqual(access.claims);
    await expect(verifier.verify(refresh.token, 'refresh')).resolves.toEqual(refresh.claims);
  });

  it.each([
    ['an access token where a refresh token is expected', 'access', 'refresh'],
    ['a refresh token where an access token is expected', 'refresh', 'access'],
  ] as const)('refuses %s', async (_, issued, expected) => {
    const { issuer, verifier } = await setup();
    const pair = await issuer.issuePair(subject);

    await expect(verifier.verify(pair[issued].token, expected)).rejects.toMatchObject({
      reason: 'wrong_type',
    });
  });

  it('refuses an expired token with reason expired', async () => {
    const { issuer, verifier } = await setup(at(TEST_SETTINGS.accessTokenTtlSeconds + 10));
    const { access } = await issuer.issuePair(subject);

    const verifying = verifier.verify(access.token, 'access');

    await expect(verifying).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifying).rejects.toMatchObject({ code: 'invalid_token', reason: 'expired' });
  });

  it('accepts an expired token with allowExpired, only if it is genuine', async () => {
    const { issuer, verifier } = await setup(at(TEST_SETTINGS.accessTokenTtlSeconds + 10));
    const { access } = await issuer.issuePair(subject);
    const [header, , signature] = access.token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...access.claims, sub: 'mallory' })).toString('base64url')}.${signature}`;

    await expect(
      verifier.verify(access.token, 'access', { allowExpired: true }),
    ).resolves.toMatchObject({ sub: 'user-1' });
    await expect(verifier.verify(tampered, 'access', { allowExpired: true })).rejects.toMatchObject(
      { reason: 'bad_signature' },
    );
  });

  it('refuses a token issued in the future with reason not_yet_valid', async () => {
    const { issuer, verifier } = await setup(at(-60));
    const { access } = await issuer.issuePair(subject);

    await expect(verifier.verify(access.token, 'access')).rejects.toMatchObject({
      reason: 'not_yet_valid',
    });
  });

  it.each([
    ['an empty string', '', 'missing'],
    ['garbage', 'not-a-jwt', 'malformed'],
    ['an overlong string', `${'a'.repeat(5000)}.b.c`, 'malformed'],
  ])('refuses %s', async (_, token, reason) => {
    const { verifier } = await setup();

    await expect(verifier.verify(token, 'access')).rejects.toMatchObject({ reason });
  });
});
