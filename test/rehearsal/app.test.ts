/**
 * `npm run rehearse -- --app examples/notes-api` end to end: the example app
 * (an auth stack, and a notes stack whose REST API and HTTP API the shared
 * authorizer guards) is synthesized once for this file and every API of its
 * assembly served. On both notes APIs a logged-out token is refused on the
 * very next request, after logout, logout-all and a password change alike,
 * and a token signed by another key never passes.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { ENDPOINTS_FILE } from '../../tools/rehearse/app';
import { PROJECT_ROOT, synthesize } from '../../tools/rehearse/assembly';
import { type ApiClient, apiClient, type Tokens } from '../e2e/client';
import { runAdmin } from '../support/admin-cli';
import { decodeJwt, forgeJwt, generateP256 } from '../support/keys';
import { type ServerProcess, startServerProcess } from '../support/server-process';

const APP = join(PROJECT_ROOT, 'examples', 'notes-api');

interface Endpoint {
  stack: string;
  api: string;
  type: 'REST' | 'HTTP';
  url: string;
}

let assembly: string;
let server: ServerProcess;
let auth: ApiClient;
let endpoints: Endpoint[];

beforeAll(async () => {
  // Inside the app folder, as `--app` synthesizes: the example's bundles leave the AWS SDK out
  // (the Lambda runtime provides it) and find it up the tree.
  await mkdir(join(APP, 'cdk.out'), { recursive: true });
  assembly = await mkdtemp(join(APP, 'cdk.out', 'rehearsal-test-'));
  await synthesize(assembly, [], APP);
  server = await startServerProcess({ target: 'rehearsal', assembly });
  endpoints = JSON.parse(await readFile(join(assembly, ENDPOINTS_FILE), 'utf8')) as Endpoint[];
  auth = apiClient(server.url);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (assembly) await rm(assembly, { recursive: true, force: true });
});

/** The notes APIs: every API of the assembly but the auth API itself. */
function notesApis(): Endpoint[] {
  return endpoints.filter((endpoint) => endpoint.url !== server.url);
}

it('serves every API of the assembly, prints one line for each and lists each in rehearsal-endpoints.json', () => {
  expect(endpoints.map(({ stack, type }) => ({ stack, type }))).toEqual([
    { stack: 'NotesAuth', type: 'REST' },
    { stack: 'Notes', type: 'REST' },
    { stack: 'Notes', type: 'HTTP' },
  ]);
  expect(endpoints[0]?.url).toBe(server.url);
  for (const { stack, api, type, url } of endpoints) {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.output()).toContain(`${type} ${stack}/${api} ${url}`);
  }
  expect(new Set(endpoints.map(({ url }) => url)).size).toBe(3);
});

describe.each(['REST', 'HTTP'] as const)('the %s notes API', (type) => {
  const notes = () => apiClient(notesApis().find((endpoint) => endpoint.type === type)?.url ?? '');
  /** A refusal as this kind of API answers it: our 401 on REST, API Gateway's own 403 on HTTP. */
  const expectRefused = (response: { status: number; json: unknown }) => {
    if (type === 'REST') {
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: 'invalid_token' });
    } else {
      expect(response.status).toBe(403);
      expect(response.json).toEqual({ message: 'Forbidden' });
    }
  };
  const session = async (user?: { userId: string; username: string; password: string }) => {
    const owner = user ?? (await auth.register());
    return { user: owner, tokens: await auth.login(owner) };
  };
  const list = (tokens: Tokens) => notes().call('GET', '/notes', { token: tokens.access_token });

  it('answers 200 with the caller’s own notes, kept under its sub', async () => {
    // Writing a note requires notes:write, which the example's role editor grants.
    const editor = await auth.register();
    expect((await grant(editor.username, 'editor')).code).toBe(0);
    const { user, tokens } = await session(editor);
    const created = await notes().call('POST', '/notes', {
      token: tokens.access_token,
      body: { text: 'buy milk' },
    });

    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ text: 'buy milk', owner: user.userId });
    const listed = await list(tokens);
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({ notes: [created.json] });
  });

  it('refuses the very next request after logout', async () => {
    const { tokens } = await session();
    expect((await list(tokens)).status).toBe(200);

    const logout = await auth.call('POST', '/auth/logout', { token: tokens.access_token });

    expect(logout.status).toBe(204);
    expectRefused(await list(tokens));
  });

  it('refuses every session after logout-all', async () => {
    const first = await session();
    const second = await session(first.user);
    expect((await list(second.tokens)).status).toBe(200);

    const logoutAll = await auth.call('POST', '/auth/logout-all', {
      token: first.tokens.access_token,
    });

    expect(logoutAll.status).toBe(204);
    expectRefused(await list(first.tokens));
    expectRefused(await list(second.tokens));
  });

  it('refuses the other sessions after a password change', async () => {
    const { user, tokens } = await session();
    const other = await session(user);
    expect((await list(other.tokens)).status).toBe(200);

    const change = await auth.call('POST', '/auth/password', {
      token: tokens.access_token,
      body: { current_password: user.password, new_password: `${user.password}-new!` },
    });

    expect(change.status).toBe(204);
    expectRefused(await list(other.tokens));
    expect((await list(tokens)).status).toBe(200);
  });

  it('refuses a token signed by another key', async () => {
    const { tokens } = await session();
    const { header, payload } = decodeJwt(tokens.access_token);
    const forged = forgeJwt(header, payload, { alg: 'ES256', key: generateP256().privateKey });

    expectRefused(await notes().call('GET', '/notes', { token: forged }));
  });
});

/** Grants `role` to `username` with the admin CLI, on the rehearsal's data. */
const grant = (username: string, role: string) =>
  runAdmin(['users', 'grant-role', username, role, `--local=${server.dataDir}`]);

describe.each(['REST', 'HTTP'] as const)('roles and scopes on the %s notes API', (type) => {
  const notes = () => apiClient(notesApis().find((endpoint) => endpoint.type === type)?.url ?? '');
  const write = (token: string) =>
    notes().call('POST', '/notes', { token, body: { text: 'scoped' } });

  it('refuses POST /notes without notes:write (403), allows it once editor is granted and the token refreshed, and refuses the next request (401) once the role is revoked', async () => {
    const user = await auth.register();
    const tokens = await auth.login(user);

    // A plain user: a login is enough to read, not to write.
    expect((await notes().call('GET', '/notes', { token: tokens.access_token })).status).toBe(200);
    const refused = await write(tokens.access_token);
    expect(refused.status).toBe(403);
    if (type === 'REST') {
      expect(refused.json).toMatchObject({ error: 'insufficient_scope' });
      // The API has a route that requires MFA too: the static challenge names no error.
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    } else {
      expect(refused.json).toEqual({ message: 'Forbidden' });
    }

    // Granted editor: the next refresh carries notes:write.
    expect((await grant(user.username, 'editor')).code).toBe(0);
    const refreshed = await auth.refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    const next = refreshed.json as Tokens;
    expect((await write(next.access_token)).status).toBe(201);

    // Revoked: every session ends at once, the very next request is refused.
    const revoked = await runAdmin([
      'users',
      'revoke-role',
      user.username,
      'editor',
      `--local=${server.dataDir}`,
      '--json',
    ]);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ roles: [], sessions_revoked: 1 });
    const after = await write(next.access_token);
    if (type === 'REST') {
      expect(after.status).toBe(401);
      expect(after.json).toMatchObject({ error: 'invalid_token' });
    } else {
      // An HTTP API answers a refused token with its own 403.
      expect(after.status).toBe(403);
    }
  });
});

describe.each(['REST', 'HTTP'] as const)('a second factor on the %s notes API', (type) => {
  const notes = () => apiClient(notesApis().find((endpoint) => endpoint.type === type)?.url ?? '');

  it('refuses DELETE /notes/{id} to a password session (403), allows it after a step-up', async () => {
    const user = await auth.register();
    const tokens = await auth.login(user);
    const began = await auth.call('POST', '/auth/mfa/totp', {
      token: tokens.access_token,
      body: { current_password: user.password },
    });
    expect(began.status).toBe(200);
    const totp = new TOTP({ secret: Secret.fromBase32((began.json as { secret: string }).secret) });
    // This step's code turns TOTP on, the next step's (one step of drift allowed) steps up.
    const step = Math.floor(Date.now() / 30_000);
    const confirmed = await auth.call('POST', '/auth/mfa/totp/confirm', {
      token: tokens.access_token,
      body: { code: totp.generate({ timestamp: step * 30_000 }) },
    });
    expect(confirmed.status).toBe(200);

    const refused = await notes().call('DELETE', '/notes/n-1', { token: tokens.access_token });
    expect(refused.status).toBe(403);
    if (type === 'REST') {
      expect(refused.json).toMatchObject({ error: 'insufficient_user_authentication' });
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    } else {
      expect(refused.json).toEqual({ message: 'Forbidden' });
    }

    const steppedUp = await auth.call('POST', '/auth/mfa/step-up', {
      token: tokens.access_token,
      body: { code: totp.generate({ timestamp: (step + 1) * 30_000 }) },
    });
    expect(steppedUp.status).toBe(200);
    const { access_token } = steppedUp.json as Tokens;
    expect((await notes().call('DELETE', '/notes/n-1', { token: access_token })).status).toBe(204);
    // Reading needs no second factor, and the stronger token still reads.
    expect((await notes().call('GET', '/notes', { token: access_token })).status).toBe(200);
  });
});

describe('the admin CLI on the rehearsal’s data (--local=DATA_DIR)', () => {
  it('revokes a user’s sessions through the running rehearsal: both notes APIs refuse the next request', async () => {
    const user = await auth.register();
    const tokens = await auth.login(user);
    const [rest, http] = (['REST', 'HTTP'] as const).map((type) =>
      apiClient(notesApis().find((endpoint) => endpoint.type === type)?.url ?? ''),
    );
    for (const api of [rest, http]) {
      expect((await api?.call('GET', '/notes', { token: tokens.access_token }))?.status).toBe(200);
    }

    const revoked = await runAdmin([
      'sessions',
      'revoke',
      user.username,
      '--all',
      `--local=${server.dataDir}`,
      '--reason',
      'rehearsal: stolen laptop',
      '--json',
    ]);

    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({
      username: user.username,
      user_id: user.userId,
      sessions_revoked: 1,
    });
    expect((await rest?.call('GET', '/notes', { token: tokens.access_token }))?.status).toBe(401);
    expect((await http?.call('GET', '/notes', { token: tokens.access_token }))?.status).toBe(403);
    // It went through the rehearsal's engine: the folder is the rehearsal's while it runs.
    const shown = await runAdmin(['users', 'show', user.username, `--local=${server.dataDir}`]);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/through rehearsal \(pid \d+\)/);
    expect(shown.stdout).toMatch(/^live sessions\s+0$/m);
  });

  it('keeps its audit record in the rehearsal’s audit table, which only the stack outputs name', async () => {
    const user = await auth.register();
    await auth.login(user);
    const args = [`--local=${server.dataDir}`];
    await runAdmin(['sessions', 'revoke', user.username, '--all', ...args, '--reason', 'drill']);

    const audit = await runAdmin(['audit', 'list', user.username, ...args, '--json']);

    expect(audit.code).toBe(0);
    expect((JSON.parse(audit.stdout) as { records: unknown[] }).records).toEqual([
      expect.objectContaining({
        action: 'revoke_sessions',
        username: user.username,
        reason: 'drill',
      }),
    ]);
  });
});
