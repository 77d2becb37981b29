/**
 * The OAuth handlers' HTTP mapping: revoke answers 200 with an empty body, a
 * store failure is 503 (never a 200 that revoked nothing, never an
 * `active: true`), and introspection describes a live token. The rules
 * themselves are tested on the fakes (test/unit/auth/oauth.test.ts); the
 * consistent reads of revocations on the embedded engine
 * (test/integration/revoked-tokens.test.ts).
 */
import { newId } from '../../../lambdas/clock';
import { createOauthIntrospectHandler } from '../../../lambdas/http/routes/oauth-introspect';
import { createOauthMetadataHandler } from '../../../lambdas/http/routes/oauth-metadata';
import { createOauthRevokeHandler } from '../../../lambdas/http/routes/oauth-revoke';
import { fakeRuntime, storedSession, unavailable } from '../../support/fake-runtime';
import { call, freshEachTest, proxyEvent, quietLogs } from './harness';

quietLogs();

const fake = freshEachTest(fakeRuntime);
const revoke = freshEachTest(() => createOauthRevokeHandler(fake.runtime));
const introspect = freshEachTest(() => createOauthIntrospectHandler(fake.runtime));

const subject = { sub: newId(), sid: newId(), username: 'alice' };
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const formEvent = (fields: Record<string, string>) =>
  proxyEvent({ body: new URLSearchParams(fields).toString(), headers: FORM });

describe('revoke handler', () => {
  it('returns 200 with an empty body, no-store, after revoking the pair', async () => {
    const pair = await storedSession(fake.world, subject);

    const response = await call(revoke, formEvent({ token: pair.refresh.token }));

    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(await fake.world.revokedTokens.isRevoked(pair.access.claims.jti)).toBe(true);
    expect(await fake.world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
  });

  it('returns 200 for a malformed token without touching the store', async () => {
    const response = await call(revoke, formEvent({ token: 'not.a.token' }));

    expect(response.status).toBe(200);
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 when the revocation cannot be written', async () => {
    const pair = await storedSession(fake.world, subject);
    unavailable(fake.world.revokedTokens, 'revoke');

    const response = await call(revoke, formEvent({ token: pair.access.token }));

    expect(response.status).toBe(503);
    expect(response.json).toMatchObject({ error: 'unavailable' });
    expect(await fake.world.sessions.get(subject.sub, subject.sid)).toBeDefined();
  });
});

describe('introspect handler', () => {
  it('describes a live access token', async () => {
    const pair = await storedSession(fake.world, subject);

    const response = await call(introspect, formEvent({ token: pair.access.token }));

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ active: true, sub: subject.sub, username: 'alice' });
    expect(fake.calls).toContain('revokedTokens.isRevoked');
  });

  it('returns 503, not active: true, when revocations cannot be read', async () => {
    const pair = await storedSession(fake.world, subject);
    unavailable(fake.world.revokedTokens, 'isRevoked');

    const response = await call(introspect, formEvent({ token: pair.access.token }));

    expect(response.status).toBe(503);
    expect(response.json).toMatchObject({ error: 'unavailable' });
  });
});

describe('GET /.well-known/oauth-authorization-server with a role mapping', () => {
  it('lists the mapping’s scopes as scopes_supported', async () => {
    const { runtime } = await fakeRuntime({
      ROLES: JSON.stringify({ editor: ['notes:write', 'notes:read'], reader: ['notes:read'] }),
    });
    const handler = createOauthMetadataHandler(runtime);

    const response = await call(handler, proxyEvent({ method: 'GET' }));

    expect(response.json).toMatchObject({ scopes_supported: ['notes:read', 'notes:write'] });
  });
});
