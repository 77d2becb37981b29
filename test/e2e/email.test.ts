/**
 * End to end over `npm start`: an address given at register arrives in the
 * outbox as an RFC 5322 file only its owner may read, with its link printed
 * on the console; the link's token verifies the address once, and
 * `GET /auth/me` then shows it verified.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freshDataDir, type ServerProcess, startServerProcess } from '../support/server-process';
import { apiClient } from './client';

let running: ServerProcess | undefined;

afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

/** The messages in the outbox, as their text. */
async function outbox(dataDir: string): Promise<{ file: string; text: string }[]> {
  const dir = join(dataDir, 'outbox');
  const files = await readdir(dir).catch(() => []);
  return Promise.all(
    files.map(async (file) => ({
      file: join(dir, file),
      text: await readFile(join(dir, file), 'utf8'),
    })),
  );
}

describe('npm start: e-mail', () => {
  it('writes the verification to the outbox (0600, link printed), and its token verifies the address once', async () => {
    const dataDir = await freshDataDir();
    running = await startServerProcess({ dataDir });
    const api = apiClient(running.url);
    const username = `mail-${Date.now()}`;
    const password = 'a long enough passphrase';

    const registered = await api.call('POST', '/auth/register', {
      body: { username, password, email: 'Mail.User@Example.COM' },
    });
    expect(registered.status).toBe(201);

    const messages = await outbox(dataDir);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect((await stat(message?.file as string)).mode & 0o777).toBe(0o600);
    expect(message?.text).toContain('\r\nTo: Mail.User@example.com\r\n');
    expect(message?.text.toLowerCase()).not.toContain(username);
    const link = /http:\/\/127\.0\.0\.1:\d+\/\?token=([A-Za-z0-9_-]{43})/.exec(message?.text ?? '');
    expect(link).not.toBeNull();
    expect(running.output()).toContain(link?.[0]);

    const token = link?.[1] as string;
    expect((await api.call('POST', '/auth/email/verify', { body: { token } })).status).toBe(204);
    const replay = await api.call('POST', '/auth/email/verify', { body: { token } });
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });

    const tokens = await api.login({ username, password });
    expect((await api.me(tokens.access_token)).json).toMatchObject({
      email: 'Mail.User@example.com',
      email_verified: true,
    });

    // No OUTBOX_SECRET: the outbox route does not exist, even for the right credentials.
    const off = await fetch(`${running.url}/local/outbox`, {
      headers: {
        authorization: `Basic ${Buffer.from('demo:whatever-it-may-be').toString('base64')}`,
      },
    });
    expect(off.status).toBe(404);
  });

  it('with OUTBOX_SECRET, serves the outbox on /local/outbox to the holder of the secret only', async () => {
    const secret = 'outbox-secret-for-e2e';
    running = await startServerProcess({ env: { OUTBOX_SECRET: secret } });
    const api = apiClient(running.url);
    const registered = await api.call('POST', '/auth/register', {
      body: {
        username: `box-${Date.now()}`,
        password: 'a long enough passphrase',
        email: 'box@example.com',
      },
    });
    expect(registered.status).toBe(201);

    const route = `${running.url}/local/outbox?to=box@example.com`;
    expect((await fetch(route)).status).toBe(404);
    const wrong = `Basic ${Buffer.from('demo:not-the-outbox-secret').toString('base64')}`;
    expect((await fetch(route, { headers: { authorization: wrong } })).status).toBe(403);
    const right = `Basic ${Buffer.from(`demo:${secret}`).toString('base64')}`;
    const listed = await fetch(route, { headers: { authorization: right } });
    expect(listed.status).toBe(200);
    const { messages } = (await listed.json()) as { messages: { link?: string }[] };
    expect(messages).toHaveLength(1);
    const token = new URL(messages[0]?.link as string).searchParams.get('token');
    expect((await api.call('POST', '/auth/email/verify', { body: { token } })).status).toBe(204);
  });
});
