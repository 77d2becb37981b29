/**
 * What the rehearsal exists for: mistakes in the stack that `npm start` cannot
 * see (it sets the variables and routes itself) show up here. Each test
 * serves a copy of the synthesized assembly with one mistake made in its
 * template, the bundles shared with the original. Runs under
 * `npm run test:rehearse` only (it needs the synthesized assembly).
 */
import { apiClient } from '../e2e/client';
import { assemblyCopy, removeAssemblyCopies, resourcesOfType } from '../support/assembly-copy';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

afterAll(removeAssemblyCopies);

describe('a mistake in the stack', () => {
  it('an environment variable under another name: login answers 502 instead of tokens', async () => {
    const assembly = await assemblyCopy((template) => {
      for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function', (id) =>
        id.includes('Login'),
      )) {
        const environment = fn.Properties?.Environment as { Variables: Record<string, unknown> };
        const variables = environment.Variables;
        variables.KMS_KEY_ID = variables.SIGNING_KMS_KEY_ID;
        delete variables.SIGNING_KMS_KEY_ID;
      }
    });
    server = await startServerProcess({ target: 'rehearsal', assembly });
    const api = apiClient(server.url);
    const user = await api.register();

    const login = await api.call('POST', '/auth/login', { body: user });

    expect(login.status).toBe(502);
    expect(login.json).toEqual({ error: 'internal_error', message: expect.any(String) });
  });

  it('a route at another path in the template: the handler’s path is not found', async () => {
    const assembly = await assemblyCopy((template) => {
      for (const [, resource] of resourcesOfType(
        template,
        'AWS::ApiGateway::Resource',
        () => true,
      )) {
        if (resource.Properties?.PathPart === 'me') resource.Properties.PathPart = 'whoami';
      }
    });
    server = await startServerProcess({ target: 'rehearsal', assembly });

    const response = await apiClient(server.url).call('GET', '/auth/me', { token: 'x' });

    expect(response.status).toBe(404);
  });

  it('a gateway response missing: API Gateway’s own body instead of the API’s JSON error', async () => {
    const assembly = await assemblyCopy((template) => {
      for (const [id] of resourcesOfType(
        template,
        'AWS::ApiGateway::GatewayResponse',
        () => true,
      )) {
        const type = template.Resources[id]?.Properties?.ResponseType;
        if (type === 'UNAUTHORIZED' || type === 'DEFAULT_4XX') delete template.Resources[id];
      }
    });
    server = await startServerProcess({ target: 'rehearsal', assembly });

    const response = await apiClient(server.url).call('GET', '/auth/me');

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
  });
});
