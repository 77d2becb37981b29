/**
 * POST /auth/refresh, the HTTP mapping: a rotated pair as the token body, the
 * grace window's answer for the lost race, and every refusal as 401
 * invalid_token with its challenge. The rotation rules are tested on the
 * fakes (test/unit/auth/refresh.test.ts) and the conditional writes on the
 * embedded engine (test/integration/sessions-store.test.ts).
 */
import { newId } from '../../../lambdas/clock';
import { ENV } from '../../../lambdas/config';
import { createRefreshHandler } from '../../../lambdas/http/routes/refresh';
import { CLOCK_TOLERANCE_SECONDS } from '../../../lambdas/tokens/claims';
import { fakeRuntime, storedSession, unavailable } from '../../support/fake-runtime';
import { pauseAt } from '../../support/fakes';
import { claimsOfToken, decodeJwt, forgeJwt, generateP256 } from '../../support/keys';
import { call, freshEachTest, proxyEvent, quietLogs } from './harness';

quietLogs();

const fake = freshEachTest(fakeRuntime);
const handler = freshEachTest(() => createRefreshHandler(fake.runtime));

const subject = { sub: newId(), sid: newId(), username: 'alice' };
const refresh = (body: unknown) => call(handler, proxyEvent({ body }));

function expectInvalidToken(response: Awaited<ReturnType<typeof refresh>>) {
  expect(response.status).toBe(401);
  expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.json).toEqual({ error: 'invalid_token', message: expect.any(String) });
}

describe('refresh handler', () => {
  it('returns 200 with a new pair, revokes the old pair as rotated and keeps the session end', async () => {
    const pair = await storedSession(fake.world, subject);

    const response = await refresh({ refresh_token: pair.refresh.token });

    expect(response.status).toBe(200);
    const next = claimsOfToken(String(response.json?.refresh_token));
    expect(next.exp).toBe(pair.refresh.claims.exp);
    expect(next.jti).not.toBe(pair.refresh.claims.jti);
    const stored = await fake.world.sessions.get(subject.sub, subject.sid);
    expect(stored?.refreshJti).toBe(next.jti);
    expect(await fake.world.revokedTokens.find(pair.access.claims.jti)).toMatchObject({
      tokenUse: 'access',
      reason: 'rotated',
    });
    // The client as API Gateway saw it goes into the revocation.
    expect(await fake.world.revokedTokens.find(pair.refresh.claims.jti)).toMatchObject({
      tokenUse: 'refresh',
      reason: 'rotated',
      expiresAt: pair.refresh.claims.exp + CLOCK_TOLERANCE_SECONDS,
      sub: subject.sub,
      sid: subject.sid,
      ip: '203.0.113.7',
      userAgent: 'jest-agent/1.0',
    });
  });

  it('returns 401 and ends the whole session when a rotated refresh token is reused', async () => {
    const rotatedAway = await storedSession(fake.world, subject);
    const current = await refresh({ refresh_token: rotatedAway.refresh.token });
    fake.world.clock.advance(fake.runtime.config.refreshGraceSeconds + 1);

    const response = await refresh({ refresh_token: rotatedAway.refresh.token });

    expectInvalidToken(response);
    const currentRefresh = claimsOfToken(String(current.json?.refresh_token));
    expect(await fake.world.revokedTokens.find(String(currentRefresh.jti))).toMatchObject({
      reason: 'reuse_detected',
    });
    expect(await fake.world.sessions.get(subject.sub, subject.sid)).toBeUndefined();
  });

  it('returns the winner’s pair when another refresh with the token rotated first (grace window)', async () => {
    const pair = await storedSession(fake.world, subject);
    // This refresh reads the session, then waits while another one rotates it.
    const paused = pauseAt(fake.world.sessions, 'rotate');
    const loser = refresh({ refresh_token: pair.refresh.token });
    await paused.reached;
    const winner = await call(
      createRefreshHandler(fake.runtime),
      proxyEvent({ body: { refresh_token: pair.refresh.token } }),
    );
    paused.release();

    const response = await loser;

    expect(winner.status).toBe(200);
    expect(response.status).toBe(200);
    // The same pair (re-signed: an ES256 signature differs each time).
    for (const token of ['access_token', 'refresh_token']) {
      expect(claimsOfToken(String(response.json?.[token]))).toEqual(
        claimsOfToken(String(winner.json?.[token])),
      );
    }
    expect(await fake.world.sessions.get(subject.sub, subject.sid)).toBeDefined();
  });

  it('returns 401 when the session was revoked between the read and the rotation', async () => {
    const pair = await storedSession(fake.world, subject);
    const paused = pauseAt(fake.world.sessions, 'rotate');
    const asked = refresh({ refresh_token: pair.refresh.token });
    await paused.reached;
    fake.world.sessions.items.clear();
    paused.release();

    const response = await asked;

    expectInvalidToken(response);
    expect(response.body).not.toContain('access_token');
  });

  it('returns 401 and rotates nothing when the current refresh token is already revoked', async () => {
    const pair = await storedSession(fake.world, subject);
    await fake.world.revokedTokens.revoke({
      jti: pair.refresh.claims.jti,
      sub: subject.sub,
      sid: subject.sid,
      tokenUse: 'refresh',
      reason: 'logout',
      expiresAt: pair.refresh.claims.exp,
      revokedAt: fake.world.clock().toISOString(),
    });

    expectInvalidToken(await refresh({ refresh_token: pair.refresh.token }));
    expect(fake.calls).not.toContain('sessions.rotate');
    expect(fake.calls).not.toContain('sessions.remove');
  });

  it('returns 401 when the session no longer exists', async () => {
    const pair = await storedSession(fake.world, subject);
    fake.world.sessions.items.clear();

    expectInvalidToken(await refresh({ refresh_token: pair.refresh.token }));
    expect(fake.world.revokedTokens.items.size).toBe(0);
  });

  it('returns 401 for an access token presented as a refresh token', async () => {
    const pair = await storedSession(fake.world, subject);

    expectInvalidToken(await refresh({ refresh_token: pair.access.token }));
    expect(fake.calls).toEqual([]);
  });

  it('returns 401 for a JWT refresh token signed with another key', async () => {
    const jwtFake = await fakeRuntime({ [ENV.refreshTokenFormat]: 'jwt' });
    const pair = await storedSession(jwtFake.world, subject);
    const { header, payload } = decodeJwt(pair.refresh.token);
    const forged = forgeJwt(header, payload, { alg: 'ES256', key: generateP256().privateKey });

    expectInvalidToken(
      await call(
        createRefreshHandler(jwtFake.runtime),
        proxyEvent({ body: { refresh_token: forged } }),
      ),
    );
    expect(jwtFake.calls).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"refresh_token":'],
    ['a missing refresh_token', {}],
    ['a numeric refresh_token', { refresh_token: 7 }],
    ['an empty refresh_token', { refresh_token: '' }],
  ])('returns 400 invalid_request and touches nothing for %s', async (_, body) => {
    const response = await refresh(body);

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 unavailable when the session cannot be read', async () => {
    const pair = await storedSession(fake.world, subject);
    unavailable(fake.world.sessions, 'get');

    const response = await refresh({ refresh_token: pair.refresh.token });

    expect(response.status).toBe(503);
    expect(response.json).toEqual({ error: 'unavailable', message: expect.any(String) });
    expect(fake.world.revokedTokens.items.size).toBe(0);
  });
});
