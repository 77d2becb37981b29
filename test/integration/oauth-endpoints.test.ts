/**
 * The OAuth endpoints through the emulated API Gateway and the real handlers
 * on the embedded DynamoDB: every status and body of revocation (RFC 7009),
 * introspection (RFC 7662) and the metadata document (RFC 8414).
 */
import { ENV } from '../../lambdas/config';
import { activeTokenBody, authorizationServerMetadataBody } from '../../lambdas/contract/bodies';
import { type LocalApi, type LocalApiResponse, startLocalApi } from '../support/local-api';

const ISSUER = 'http://127.0.0.1:4999';
const SECRET = 'introspection secret for tests';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const basic = (secret: string) =>
  `Basic ${Buffer.from(`resource-server:${encodeURIComponent(secret)}`).toString('base64')}`;

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi(
    {
      [ENV.issuer]: ISSUER,
      [ENV.introspectionAuthMethod]: 'client_secret_basic',
      PASSWORD_SCRYPT_LOG2_N: '10',
    },
    { introspectionSecret: SECRET },
  );
});

afterAll(async () => {
  await api?.close();
});

let counter = 0;
async function session() {
  counter += 1;
  const credentials = { username: `oauth-user-${counter}`, password: 'correct horse battery' };
  expect((await api.request('POST', '/auth/register', { body: credentials })).status).toBe(201);
  const login = await api.request('POST', '/auth/login', { body: credentials });
  expect(login.status).toBe(200);
  return login.json as { access_token: string; refresh_token: string };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

const revoke = (body: string | undefined, headers: Record<string, string> = FORM) =>
  api.request('POST', '/oauth/revoke', { ...(body !== undefined ? { body } : {}), headers });

const introspect = (token: string, authorization = basic(SECRET)) =>
  api.request('POST', '/oauth/introspect', {
    body: form({ token }),
    headers: { ...FORM, ...(authorization ? { Authorization: authorization } : {}) },
  });

function expectEmpty200(response: LocalApiResponse): void {
  expect(response.status).toBe(200);
  expect(response.json).toBeUndefined();
  expect(response.headers['cache-control']).toBe('no-store');
}

describe('POST /oauth/revoke', () => {
  it('answers 200 with an empty body and ends the session of an access token', async () => {
    const tokens = await session();

    expectEmpty200(await revoke(form({ token: tokens.access_token })));

    expect((await api.request('GET', '/auth/me', { token: tokens.access_token })).status).toBe(401);
    expect(
      (
        await api.request('POST', '/auth/refresh', {
          body: { refresh_token: tokens.refresh_token },
        })
      ).status,
    ).toBe(401);
  });

  it('ends the session of a refresh token given with its hint', async () => {
    const tokens = await session();

    expectEmpty200(
      await revoke(form({ token: tokens.refresh_token, token_type_hint: 'refresh_token' })),
    );

    expect((await api.request('GET', '/auth/me', { token: tokens.access_token })).status).toBe(401);
  });

  it('extends its search past a wrong or unknown hint', async () => {
    const first = await session();
    const second = await session();

    expectEmpty200(
      await revoke(form({ token: first.refresh_token, token_type_hint: 'access_token' })),
    );
    expectEmpty200(await revoke(form({ token: second.access_token, token_type_hint: 'id_token' })));

    expect((await api.request('GET', '/auth/me', { token: first.access_token })).status).toBe(401);
    expect((await api.request('GET', '/auth/me', { token: second.access_token })).status).toBe(401);
  });

  it.each([
    ['an unknown token', 'not-a-token'],
    ['a token with a forged signature', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA'],
  ])('answers 200 with an empty body for %s', async (_name, token) => {
    expectEmpty200(await revoke(form({ token })));
  });

  it('answers 200 again for a token already revoked', async () => {
    const tokens = await session();
    expectEmpty200(await revoke(form({ token: tokens.access_token })));

    expectEmpty200(await revoke(form({ token: tokens.access_token })));
  });

  it.each([
    ['no body', undefined, FORM],
    ['no token', form({ token_type_hint: 'access_token' }), FORM],
    ['an empty token', form({ token: '' }), FORM],
    ['a JSON body', JSON.stringify({ token: 'x' }), { 'Content-Type': 'application/json' }],
    ['a repeated token', 'token=a&token=b', FORM],
  ])('answers 400 invalid_request for %s', async (_name, body, headers) => {
    const response = await revoke(body, headers);

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
  });
});

describe('POST /oauth/introspect', () => {
  it('describes a live access token', async () => {
    const tokens = await session();

    const response = await introspect(tokens.access_token);

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = activeTokenBody.parse(response.json);
    expect(body).toMatchObject({ active: true, iss: ISSUER, token_type: 'Bearer' });
    expect(body.username).toMatch(/^oauth-user-/);
  });

  it.each([
    ['a refresh token', async () => (await session()).refresh_token],
    ['garbage', async () => 'garbage'],
    [
      'a revoked access token',
      async () => {
        const tokens = await session();
        await api.request('POST', '/auth/logout', { token: tokens.access_token });
        return tokens.access_token;
      },
    ],
  ])('answers {"active": false} for %s', async (_name, tokenOf) => {
    const response = await introspect(await tokenOf());

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ active: false });
  });

  it('answers 400 invalid_request without a token', async () => {
    const response = await api.request('POST', '/oauth/introspect', {
      body: '',
      headers: { ...FORM, Authorization: basic(SECRET) },
    });

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a caller with the wrong secret (403) and one with none (as API Gateway: 404)', async () => {
    const tokens = await session();

    const wrong = await introspect(tokens.access_token, basic('not the secret'));
    const bearer = await introspect(tokens.access_token, `Bearer ${tokens.access_token}`);
    const none = await introspect(tokens.access_token, '');

    expect(wrong.status).toBe(403);
    expect(wrong.json).toMatchObject({ error: 'forbidden' });
    expect(bearer.status).toBe(403);
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ error: 'not_found' });
  });
});

describe('GET /.well-known/oauth-authorization-server', () => {
  it('publishes the issuer and endpoints under it, cacheable', async () => {
    const response = await api.request('GET', '/.well-known/oauth-authorization-server');

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(authorizationServerMetadataBody.parse(response.json)).toEqual({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      response_types_supported: [],
      grant_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    });
  });

  it('issues tokens whose iss is that issuer', async () => {
    const tokens = await session();
    const payload = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    expect(payload.iss).toBe(ISSUER);
  });
});
