/** GET /.well-known/jwks.json: the signer's public key, cacheable, nothing private. */
import { jwksBody } from '../../../lambdas/contract/bodies';
import { createLocalSigner } from '../../../lambdas/signing/local-signer';
import { call, loadHandlers, type ProxyHandler, proxyEvent } from './harness';

let handler: ProxyHandler;
let keyDir: string;

beforeAll(async () => {
  ({
    keyDir,
    handlers: { jwks: handler },
  } = await loadHandlers('jwks'));
});

afterAll(() => jest.restoreAllMocks());

describe('jwks handler', () => {
  it('returns 200 with the public signing key, a short public max-age and nosniff', async () => {
    const response = await call(handler, proxyEvent({ method: 'GET' }));

    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=\d+$/);
    expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(jwksBody.parse(response.json)).toEqual({
      keys: [await createLocalSigner(keyDir).publicKey()],
    });
    const [key] = (response.json?.keys ?? []) as Record<string, unknown>[];
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
  });
});
