/**
 * The admin CLI end to end, as an operator runs it: `npm start` in a child
 * process with a user whose session is in use, then `npm run admin` (its
 * entry, admin/main.ts, in another child process) on the same data folder.
 * The embedded engine allows one process, so the CLI must go through the
 * running server; the next request with the old access token is refused.
 * With the server stopped, the CLI opens the folder itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENV } from '../../lambdas/config';
import { ENDPOINT_FILE } from '../../local/server-endpoint';
import { runAdmin as admin } from '../support/admin-cli';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { type ApiClient, apiClient, expectInvalidToken, type Tokens } from './client';

let server: ServerProcess | undefined;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({ env: { [ENV.passwordHashCost]: '10' } });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.stop();
});

describe('npm run admin against a running npm start', () => {
  it('disables a user whose session is in use: the next request with its token is 401', async () => {
    const running = server as ServerProcess;
    const user = await api.register();
    const tokens = await api.login(user);
    expect((await api.me(tokens.access_token)).status).toBe(200);
    const published = JSON.parse(await readFile(join(running.dataDir, ENDPOINT_FILE), 'utf8'));

    const disabled = await admin([
      'users',
      'disable',
      user.username,
      `--local=${running.dataDir}`,
      '--reason',
      'e2e: account compromised',
      '--json',
    ]);

    expect(disabled.stderr).not.toMatch(/error/);
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({
      username: user.username,
      disabled: true,
      sessions_revoked: 1,
    });
    // The audit line went to stderr, as JSON, with the operator.
    const auditLine = disabled.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.message === 'admin action');
    expect(auditLine).toMatchObject({
      action: 'disable_user',
      note: 'e2e: account compromised',
      actor: expect.stringMatching(/@/),
    });

    // The very next request with the old access token, and the refresh token, are refused.
    expectInvalidToken(await api.me(tokens.access_token));
    expectInvalidToken(await api.refresh(tokens.refresh_token));
    // Login looks exactly like a wrong password.
    const refused = await api.call('POST', '/auth/login', { body: user });
    const wrong = await api.call('POST', '/auth/login', {
      body: { username: user.username, password: 'not the password' },
    });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual(wrong.json);

    // The CLI went through the server (the folder stays the server's) and says so.
    const shown = await admin(['users', 'show', user.username, `--local=${running.dataDir}`]);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain(`through npm start (pid ${published.pid})`);
    expect(shown.stdout).toMatch(
      /^status\s+DISABLED \(since .* by .*: e2e: account compromised\)$/m,
    );
    expect(shown.stdout).toMatch(/^live sessions\s+0$/m);
  });

  it('resets a password through the server, and opens the folder itself once the server stopped', async () => {
    const running = server as ServerProcess;
    const user = await api.register();
    const tokens: Tokens = await api.login(user);

    const reset = await admin(
      ['users', 'reset-password', user.username, '--stdin', `--local=${running.dataDir}`],
      'a brand new password\n',
    );
    expect(reset.code).toBe(0);
    expectInvalidToken(await api.me(tokens.access_token));
    await api.login({ username: user.username, password: 'a brand new password' });

    await running.stop();
    server = undefined;
    const listed = await admin(['sessions', 'list', user.username, `--local=${running.dataDir}`]);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain('opened by this command');
    expect(listed.stdout).toMatch(/1 live session\(s\)/);
  });
});
