/**
 * POST /auth/logout (no authorizer), the HTTP mapping: where the tokens come
 * from (Bearer header, body), 204 with no body, 400 without a token or with a
 * malformed body, 401 with the challenge, 503. The logout rules (both tokens
 * revoked, expired tokens, idempotence, two sessions) are tested on the fakes
 * (test/unit/auth/logout.test.ts).
 */
import { newId } from '../../../lambdas/clock';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createLogoutHandler } from '../../../lambdas/http/routes/logout';
import { fakeRuntime, storedSession, unavailable } from '../../support/fake-runtime';
import { decodeJwt, forgeJwt, generateP256 } from '../../support/keys';
import { call, freshEachTest, proxyEvent, quietLogs } from './harness';

quietLogs();

const fake = freshEachTest(fakeRuntime);
const handler = freshEachTest(() => createLogoutHandler(fake.runtime));

const subject = { sub: newId(), sid: newId(), username: 'alice' };

function logout(options: { access?: string; refresh?: string; body?: unknown }) {
  return call(
    handler,
    proxyEvent({
      ...(options.access ? { headers: { Authorization: `Bearer ${options.access}` } } : {}),
      ...(options.refresh ? { body: { refresh_token: options.refresh } } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    }),
  );
}

describe('logout handler', () => {
  it('returns 204 for an access token and revokes both tokens of its session', async () => {
    const pair = await storedSession(fake.world, subject);

    const response = await logout({ access: pair.access.token });

    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers).toEqual(SECURITY_HEADERS);
    expect(await fake.world.sessions.get(subject.sub, subject.sid)).toBeUndefined();
    expect(await fake.world.revokedTokens.isRevoked(pair.access.claims.jti)).toBe(true);
    expect(await fake.world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
  });

  it('returns 204 for a refresh token alone', async () => {
    const pair = await storedSession(fake.world, subject);

    expect((await logout({ refresh: pair.refresh.token })).status).toBe(204);
    expect(await fake.world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
  });

  it('returns 400 invalid_request when no token is given', async () => {
    const response = await logout({});

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(fake.calls).toEqual([]);
  });

  it('returns 400 for a malformed body', async () => {
    expect((await logout({ body: '{"refresh_token"' })).status).toBe(400);
    expect((await logout({ body: { refresh_token: 12 } })).status).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it('returns 401 invalid_token and writes nothing for a token whose signature does not verify', async () => {
    const pair = await storedSession(fake.world, subject);
    const { header, payload } = decodeJwt(pair.access.token);
    const forged = forgeJwt(header, payload, { alg: 'ES256', key: generateP256().privateKey });

    const response = await logout({ access: forged });

    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.json).toEqual({ error: 'invalid_token', message: expect.any(String) });
    expect(fake.calls).toEqual([]);
  });

  it('returns 401 for a malformed Authorization header', async () => {
    const response = await call(
      handler,
      proxyEvent({ headers: { Authorization: 'Basic dXNlcjpwdw==' } }),
    );

    expect(response.status).toBe(401);
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 unavailable when the revocation cannot be written', async () => {
    const pair = await storedSession(fake.world, subject);
    unavailable(fake.world.revokedTokens, 'revoke');

    const response = await logout({ access: pair.access.token });

    expect(response.status).toBe(503);
    // The session item stays, so a retry can finish the logout.
    expect(await fake.world.sessions.get(subject.sub, subject.sid)).toBeDefined();
  });
});
