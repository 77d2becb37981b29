/**
 * End to end, against `npm start` and the rehearsal (E2E_TARGETS): account
 * recovery by e-mail through the outbox, which both write to (`npm start`
 * directly, the rehearsal through its SES stand-in): an address given at
 * register is verified by the token of its message, once.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { linkIn, parseEml } from '../../lambdas/mail/eml';
import { E2E_TARGETS } from '../support/server-process';
import { servedTarget } from './client';

describe.each(E2E_TARGETS)('recovery by e-mail (%s)', (target) => {
  const { api, server } = servedTarget(target);

  /** The tokens of the links sent to `to`, oldest first, from the target's outbox files. */
  async function tokensSentTo(to: string): Promise<string[]> {
    const dir = join(server().dataDir, 'outbox');
    const files = (await readdir(dir).catch(() => [] as string[])).sort();
    const tokens: string[] = [];
    for (const file of files) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
      const message = parseEml(await readFile(join(dir, file), 'utf8'));
      const link = linkIn(message?.text ?? '');
      if (message?.to === to && link) tokens.push(new URL(link).searchParams.get('token') ?? '');
    }
    return tokens;
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
});
