/**
 * End to end over `npm start`: a standard OAuth client library (oauth4webapi)
 * discovers the server from its issuer alone (RFC 8414), revokes through the
 * advertised endpoint (RFC 7009) and introspects (RFC 7662) with the local
 * stand-in for IAM; the OpenAPI document is served too.
 */
import * as oauth from 'oauth4webapi';
import { ENV } from '../../lambdas/config';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { type ApiClient, apiClient } from './client';

const SECRET = 'e2e introspection secret';
const CLIENT: oauth.Client = { client_id: 'e2e-resource-server' };

let server: ServerProcess;
let api: ApiClient;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  server = await startServerProcess({
    env: { INTROSPECTION_SECRET: SECRET, [ENV.passwordHashCost]: '10' },
  });
  api = apiClient(server.url);
  // The issuer is the server's base URL: discovery needs nothing else.
  const issuer = new URL(server.url);
  const response = await oauth.discoveryRequest(issuer, {
    algorithm: 'oauth2',
    [oauth.allowInsecureRequests]: true,
  });
  as = await oauth.processDiscoveryResponse(issuer, response);
});

afterAll(async () => {
  await server?.stop();
});

const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('OAuth interoperability (oauth4webapi against npm start)', () => {
  it('discovers the metadata: issuer equal to the tokens iss, endpoints under it', async () => {
    const { access_token } = await api.login(await api.register());
    const payload = JSON.parse(
      Buffer.from(access_token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );

    expect(as.issuer).toBe(server.url);
    expect(payload.iss).toBe(as.issuer);
    expect(as.revocation_endpoint).toBe(`${server.url}/oauth/revoke`);
    expect(as.introspection_endpoint).toBe(`${server.url}/oauth/introspect`);
    expect(as.jwks_uri).toBe(`${server.url}/.well-known/jwks.json`);
  });

  it('revokes a refresh token through the discovered endpoint, ending the session', async () => {
    const tokens = await api.login(await api.register());

    const response = await oauth.revocationRequest(as, CLIENT, oauth.None(), tokens.refresh_token, {
      additionalParameters: { token_type_hint: 'refresh_token' },
      ...insecure,
    });
    await oauth.processRevocationResponse(response);

    expect((await api.me(tokens.access_token)).status).toBe(401);
    expect((await api.refresh(tokens.refresh_token)).status).toBe(401);
  });

  it('revokes an unknown token without complaint (RFC 7009 §2.2)', async () => {
    const response = await oauth.revocationRequest(as, CLIENT, oauth.None(), 'nonsense', insecure);

    expect(response.status).toBe(200);
    await expect(oauth.processRevocationResponse(response)).resolves.toBeUndefined();
  });

  it('introspects a live access token as active, and as inactive once revoked', async () => {
    const user = await api.register();
    const tokens = await api.login(user);
    const introspect = async () =>
      oauth.processIntrospectionResponse(
        as,
        CLIENT,
        await oauth.introspectionRequest(
          as,
          CLIENT,
          oauth.ClientSecretBasic(SECRET),
          tokens.access_token,
          insecure,
        ),
      );

    expect(await introspect()).toMatchObject({
      active: true,
      sub: user.userId,
      username: user.username,
      iss: server.url,
      token_type: 'Bearer',
    });
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, CLIENT, oauth.None(), tokens.access_token, insecure),
    );
    expect(await introspect()).toEqual({ active: false });
  });

  it('refuses introspection with a wrong secret', async () => {
    const { access_token } = await api.login(await api.register());
    const response = await oauth.introspectionRequest(
      as,
      CLIENT,
      oauth.ClientSecretBasic('wrong'),
      access_token,
      insecure,
    );

    expect(response.status).toBe(403);
  });

  it('serves the OpenAPI document, cacheable', async () => {
    const response = await fetch(`${server.url}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/^public/);
    const document = (await response.json()) as { openapi: string; paths: object };
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths).toHaveProperty(['/oauth/revoke']);
  });
});
