/**
 * End to end over `npm start`: a reset link that has ended. The lifetime is
 * set to one second through its setting (PASSWORD_RESET_TTL_SECONDS); the
 * link, asked for by username and read from the outbox, then answers 400
 * `invalid_grant` and the old password still logs in. The whole recovery
 * flow (verify, forgot, reset, sessions, replay, unknown address), over
 * `npm start` and the rehearsal: test/e2e/recovery.test.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freshDataDir, type ServerProcess, startServerProcess } from '../support/server-process';
import { apiClient } from './client';

let running: ServerProcess | undefined;

afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

const PASSWORD = 'a long enough passphrase';
const NEW_PASSWORD = 'a brand new passphrase';

/** The messages in the outbox, as their text, in the order written. */
async function outbox(dataDir: string): Promise<string[]> {
  const dir = join(dataDir, 'outbox');
  const files = (await readdir(dir).catch(() => [] as string[])).sort();
  return Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')));
}

/** The token of the one message in `messages` with this subject. */
function tokenIn(messages: string[], subject: string): string {
  const matching = messages.filter((text) => text.includes(`\r\nSubject: ${subject}\r\n`));
  expect(matching).toHaveLength(1);
  const token = /[?&]token=([A-Za-z0-9_-]{43})/.exec(matching[0] ?? '')?.[1];
  if (!token) throw new Error(`no token in the message "${subject}"`);
  return token;
}

/** Starts `npm start`, registers an account with an address and verifies it from the outbox. */
async function verifiedAccount(env: Record<string, string> = {}) {
  const dataDir = await freshDataDir();
  running = await startServerProcess({ dataDir, env });
  const api = apiClient(running.url);
  const username = `reset-${Date.now()}`;
  // Not the username: a message must not reveal the username, and this shows it does not.
  const email = `owner.${Date.now()}@example.com`;
  const registered = await api.call('POST', '/auth/register', {
    body: { username, password: PASSWORD, email },
  });
  expect(registered.status).toBe(201);
  const token = tokenIn(await outbox(dataDir), 'Confirm your e-mail address');
  expect((await api.call('POST', '/auth/email/verify', { body: { token } })).status).toBe(204);
  return { api, dataDir, username, email };
}

describe('npm start: a reset link that has ended', () => {
  it('answers an ended link 400 invalid_grant, and the old password still logs in', async () => {
    const { api, dataDir, username } = await verifiedAccount({ PASSWORD_RESET_TTL_SECONDS: '1' });
    await api.call('POST', '/auth/password/forgot', { body: { username } });
    const messages = await outbox(dataDir);
    const token = tokenIn(messages, 'Reset your password');
    // A reset link says so, for a page that serves both kinds: ?purpose=reset_password&token=…
    expect(messages.join('\n')).toContain(`/?purpose=reset_password&token=${token}`);

    // The answer came after the floor (1.5 s), already past the token's end; a second more is margin.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const reset = await api.call('POST', '/auth/password/reset', {
      body: { token, new_password: NEW_PASSWORD },
    });

    expect(reset.status).toBe(400);
    expect(reset.json).toMatchObject({ error: 'invalid_grant' });
    expect(
      (await api.call('POST', '/auth/login', { body: { username, password: PASSWORD } })).status,
    ).toBe(200);
  });
});
