/**
 * End to end over `npm start`: forgot password and reset through the outbox.
 * An account registers with an address and verifies it from its message;
 * a reset is asked for, its link read from the outbox, the password reset:
 * every old session answers 401, the new password logs in, the link works
 * once. An unknown address gets the same 202 and no message; an ended link
 * (a one-second lifetime, set through the setting) answers 400.
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
const FORGOT_ANSWER = {
  message:
    'If the account has a verified e-mail address, a link to reset its password was sent to it.',
};

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

describe('npm start: forgot password and reset', () => {
  it('resets through the outbox link: old sessions 401, the new password logs in, the link works once', async () => {
    const { api, dataDir, username, email } = await verifiedAccount();
    const before = await api.login({ username, password: PASSWORD });
    const other = await api.login({ username, password: PASSWORD });

    const forgot = await api.call('POST', '/auth/password/forgot', { body: { email } });
    expect(forgot.status).toBe(202);
    expect(forgot.json).toEqual(FORGOT_ANSWER);
    const messages = await outbox(dataDir);
    const token = tokenIn(messages, 'Reset your password');
    const reset = messages.find((text) => text.includes('Subject: Reset your password'));
    expect(reset).toContain(`?purpose=reset_password&token=${token}`);
    expect(reset?.toLowerCase()).not.toContain(username);

    const body = { token, new_password: NEW_PASSWORD };
    expect((await api.call('POST', '/auth/password/reset', { body })).status).toBe(204);

    for (const tokens of [before, other]) {
      expect((await api.me(tokens.access_token)).status).toBe(401);
      expect((await api.refresh(tokens.refresh_token)).status).toBe(401);
    }
    const oldPassword = await api.call('POST', '/auth/login', {
      body: { username, password: PASSWORD },
    });
    expect(oldPassword.status).toBe(401);
    const after = await api.login({ username, password: NEW_PASSWORD });
    expect((await api.me(after.access_token)).status).toBe(200);

    const replay = await api.call('POST', '/auth/password/reset', {
      body: { token, new_password: 'yet another passphrase' },
    });
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers an unknown address the same 202 and sends nothing', async () => {
    const { api, dataDir } = await verifiedAccount();
    const sent = (await outbox(dataDir)).length;

    const forgot = await api.call('POST', '/auth/password/forgot', {
      body: { email: 'nobody-at-all@example.com' },
    });

    expect(forgot.status).toBe(202);
    expect(forgot.json).toEqual(FORGOT_ANSWER);
    expect(await outbox(dataDir)).toHaveLength(sent);
  });

  it('answers an ended link 400 invalid_grant, and the old password still logs in', async () => {
    const { api, dataDir, username } = await verifiedAccount({ PASSWORD_RESET_TTL_SECONDS: '1' });
    await api.call('POST', '/auth/password/forgot', { body: { username } });
    const token = tokenIn(await outbox(dataDir), 'Reset your password');

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
