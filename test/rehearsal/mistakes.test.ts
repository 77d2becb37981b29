/**
 * What the rehearsal exists for: mistakes in the stack that `npm start` cannot
 * see (it sets the variables and routes itself) show up here. Each test
 * serves a copy of the synthesized assembly with one mistake made in its
 * template, the bundles shared with the original. Runs under
 * `npm run test:rehearse` only (it needs the synthesized assembly).
 */
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CfnTemplate } from '../../tools/rehearse/template';
import { apiClient } from '../e2e/client';
import {
  REHEARSAL_ASSEMBLY_ENV,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process';

const copies: string[] = [];
let server: ServerProcess | undefined;

/** A copy of the assembly whose template `change` edits; assets are linked, not copied. */
async function mistaken(change: (template: CfnTemplate) => void): Promise<string> {
  const original = process.env[REHEARSAL_ASSEMBLY_ENV] as string;
  const copy = await mkdtemp(`${original}-mistake-`);
  copies.push(copy);
  for (const entry of await readdir(original)) {
    if (entry.startsWith('asset.')) await symlink(join(original, entry), join(copy, entry));
    else if (entry.endsWith('.template.json')) {
      const template = JSON.parse(await readFile(join(original, entry), 'utf8')) as CfnTemplate;
      change(template);
      await writeFile(join(copy, entry), JSON.stringify(template));
    } else if (entry.endsWith('.json')) {
      await writeFile(join(copy, entry), await readFile(join(original, entry)));
    }
  }
  return copy;
}

const ofType = (template: CfnTemplate, type: string, match: (id: string) => boolean) =>
  Object.entries(template.Resources).filter(([id, r]) => r.Type === type && match(id));

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

afterAll(async () => {
  await Promise.all(copies.map((copy) => rm(copy, { recursive: true, force: true })));
});

describe('a mistake in the stack', () => {
  it('an environment variable under another name: login answers 502 instead of tokens', async () => {
    const assembly = await mistaken((template) => {
      for (const [, fn] of ofType(template, 'AWS::Lambda::Function', (id) =>
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
    const assembly = await mistaken((template) => {
      for (const [, resource] of ofType(template, 'AWS::ApiGateway::Resource', () => true)) {
        if (resource.Properties?.PathPart === 'me') resource.Properties.PathPart = 'whoami';
      }
    });
    server = await startServerProcess({ target: 'rehearsal', assembly });

    const response = await apiClient(server.url).call('GET', '/auth/me', { token: 'x' });

    expect(response.status).toBe(404);
  });

  it('a gateway response missing: API Gateway’s own body instead of the API’s JSON error', async () => {
    const assembly = await mistaken((template) => {
      for (const [id] of ofType(template, 'AWS::ApiGateway::GatewayResponse', () => true)) {
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
