/** GET /.well-known/jwks.json: the signer's public key, cacheable, nothing private. */
import { jwksBody } from '../../../lambdas/contract/bodies';
import { createJwksHandler } from '../../../lambdas/http/routes/jwks';
import { fakeRuntime } from '../../support/fake-runtime';
import { call, proxyEvent, quietLogs } from './harness';

quietLogs();

describe('jwks handler', () => {
  it('returns 200 with the public signing key, a short public max-age and nosniff', async () => {
    const { runtime, world } = await fakeRuntime();

    const response = await call(createJwksHandler(runtime), proxyEvent({ method: 'GET' }));

    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=\d+$/);
    expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(jwksBody.parse(response.json)).toEqual({ keys: [await world.signer.publicKey()] });
    const [key] = (response.json?.keys ?? []) as Record<string, unknown>[];
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
  });
});
