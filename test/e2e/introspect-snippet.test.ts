/**
 * The snippet docs/local-mode.md gives a service under development
 * (docs/snippets/check-token.mjs), run as its users run it, with plain node
 * against `npm start`: a live token is active, a logged-out one is not, and a
 * wrong secret is a failure to check, never a pass.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ENV } from '../../lambdas/config';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { type ApiClient, apiClient } from './client';

const SNIPPET = resolve(__dirname, '../../docs/snippets/check-token.mjs');
const SECRET = 'snippet secret';

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({
    env: { INTROSPECTION_SECRET: SECRET, [ENV.passwordHashCost]: '10' },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.stop();
});

/** Runs the snippet as a command: its exit code and what it printed. */
function checkToken(token: string, secret = SECRET) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [SNIPPET, token],
      { env: { PATH: process.env.PATH, AUTH_URL: server.url, INTROSPECTION_SECRET: secret } },
      (error, stdout, stderr) => done({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('docs/snippets/check-token.mjs against npm start', () => {
  it('answers active with the caller for a live token, and not active once logged out', async () => {
    const user = await api.register();
    const tokens = await api.login(user);

    const live = await checkToken(tokens.access_token);

    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({
      active: true,
      sub: user.userId,
      username: user.username,
    });
    const logout = await api.call('POST', '/auth/logout', { token: tokens.access_token });
    expect(logout.status).toBe(204);
    const refused = await checkToken(tokens.access_token);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({ active: false });
  });

  it('fails to check, rather than passing, with a wrong secret', async () => {
    const { access_token } = await api.login(await api.register());

    const result = await checkToken(access_token, 'wrong secret');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('introspection answered 403');
  });
});
