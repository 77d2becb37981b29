/**
 * End to end, against `npm start` and the rehearsal (E2E_TARGETS): account
 * recovery by e-mail through the outbox, which both write to (`npm start`
 * directly, the rehearsal through its SES stand-in): an address given at
 * register is verified by the token of its message, once; a forgotten
 * password is reset with the token of its message, ending every session,
 * once; an unknown address gets the same answer and no message. (An ended
 * reset link: test/e2e/password-reset.test.ts, which sets its lifetime.)
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { linkIn, parseEml } from '../../lambdas/mail/eml';
import { E2E_TARGETS } from '../support/server-process';
import { servedTarget } from './client';

describe.each(E2E_TARGETS)('recovery by e-mail (%s)', (target) => {
  const { api, server } = servedTarget(target);

  /** The messages sent to `to`, oldest first, from the target's outbox files (each 0600). */
  async function sentTo(to: string): Promise<{ subject: string; text: string; token?: string }[]> {
    const dir = join(server().dataDir, 'outbox');
    const files = (await readdir(dir).catch(() => [] as string[])).sort();
    const messages: { subject: string; text: string; token?: string }[] = [];
    for (const file of files) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
      const message = parseEml(await readFile(join(dir, file), 'utf8'));
      if (message?.to !== to) continue;
      const link = linkIn(message.text);
      const token = link ? new URL(link).searchParams.get('token') : null;
      messages.push({ subject: message.subject, text: message.text, ...(token ? { token } : {}) });
    }
    return messages;
  }

  async function tokensSentTo(to: string): Promise<string[]> {
    return (await sentTo(to)).flatMap((message) => (message.token ? [message.token] : []));
  }

  /** A fresh account with a verified address, through the outbox. */
  async function verifiedAccount(prefix: string) {
    const username = `${prefix}-${Date.now().toString(36)}`;
    const password = 'a long enough passphrase';
    const email = `owner.${username}@example.com`;
    const registered = await api().call('POST', '/auth/register', {
      body: { username, password, email },
    });
    expect(registered.status).toBe(201);
    const [token] = await tokensSentTo(email);
    expect((await api().call('POST', '/auth/email/verify', { body: { token } })).status).toBe(204);
    return { username, password, email };
  }

  it('verifies an address given at register with the token of its message, once', async () => {
    const username = `rec-${Date.now().toString(36)}`;
    const password = 'a long enough passphrase';
    const email = `${username}@example.com`;

    const registered = await api().call('POST', '/auth/register', {
      body: { username, password, email },
    });
    expect(registered.status).toBe(201);
    const [token] = await tokensSentTo(email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await api().call('POST', '/auth/email/verify', { body: { token } })).status).toBe(204);
    const replay = await api().call('POST', '/auth/email/verify', { body: { token } });
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });

    const tokens = await api().login({ username, password });
    expect((await api().me(tokens.access_token)).json).toMatchObject({
      email,
      email_verified: true,
    });
  });

  it('resets a forgotten password from the outbox: every old session 401, the new password logs in, the link works once', async () => {
    const { username, password, email } = await verifiedAccount('forgot');
    const sessions = [
      await api().login({ username, password }),
      await api().login({ username, password }),
    ];

    const forgot = await api().call('POST', '/auth/password/forgot', { body: { email } });
    expect(forgot.status).toBe(202);
    const reset = (await sentTo(email)).filter(
      (message) => message.subject === 'Reset your password',
    );
    expect(reset).toHaveLength(1);
    expect(reset[0]?.text.toLowerCase()).not.toContain(username);
    const token = reset[0]?.token as string;

    const newPassword = 'a brand new passphrase';
    const body = { token, new_password: newPassword };
    expect((await api().call('POST', '/auth/password/reset', { body })).status).toBe(204);

    for (const tokens of sessions) {
      expect((await api().me(tokens.access_token)).status).toBe(401);
      expect((await api().refresh(tokens.refresh_token)).status).toBe(401);
    }
    const old = await api().call('POST', '/auth/login', { body: { username, password } });
    expect(old.status).toBe(401);
    const fresh = await api().login({ username, password: newPassword });
    expect((await api().me(fresh.access_token)).status).toBe(200);

    const replay = await api().call('POST', '/auth/password/reset', {
      body: { token, new_password: 'yet another passphrase' },
    });
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers an unknown address with the same 202 and sends nothing', async () => {
    const known = await verifiedAccount('known');
    const unknown = `nobody.${Date.now().toString(36)}@example.com`;

    const [forKnown, forUnknown] = await Promise.all([
      api().call('POST', '/auth/password/forgot', { body: { email: known.email } }),
      api().call('POST', '/auth/password/forgot', { body: { email: unknown } }),
    ]);

    expect(forUnknown.status).toBe(202);
    expect(forUnknown.json).toEqual(forKnown.json);
    expect(await sentTo(unknown)).toEqual([]);
  });
});
