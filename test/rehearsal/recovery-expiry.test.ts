/**
 * Recovery by e-mail over the rehearsal, with the reset links' lifetime
 * deployed at one second (`passwordResetTtlSeconds`, the variable every
 * e-mail function gets): an ended link answers 400 `invalid_grant` and
 * changes nothing. Runs under `npm run test:rehearse` only (it needs the
 * synthesized assembly); the rest of the flow: test/e2e/recovery.test.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMAIL_ENV } from '../../lambdas/email-config';
import { linkIn, parseEml } from '../../lambdas/mail/eml';
import { apiClient } from '../e2e/client';
import { assemblyCopy, removeAssemblyCopies, resourcesOfType } from '../support/assembly-copy';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
  await removeAssemblyCopies();
});

/** The token of the newest message to `to` with this subject, from the rehearsal's outbox. */
async function tokenSent(to: string, subject: string): Promise<string> {
  const dir = join((server as ServerProcess).dataDir, 'outbox');
  const files = (await readdir(dir)).sort().reverse();
  for (const file of files) {
    const message = parseEml(await readFile(join(dir, file), 'utf8'));
    const link = message && linkIn(message.text);
    if (message?.to === to && message.subject === subject && link) {
      return new URL(link).searchParams.get('token') as string;
    }
  }
  throw new Error(`no "${subject}" to ${to}`);
}

it('answers a reset link past its lifetime 400 invalid_grant, and the old password still logs in', async () => {
  const assembly = await assemblyCopy((template) => {
    for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> })
        ?.Variables;
      if (variables?.[EMAIL_ENV.emailFrom] !== undefined) {
        variables[EMAIL_ENV.passwordResetTtlSeconds] = '1';
      }
    }
  });
  server = await startServerProcess({ target: 'rehearsal', assembly });
  const api = apiClient(server.url);
  const username = `expiry-${Date.now().toString(36)}`;
  const password = 'a long enough passphrase';
  const email = `owner.${username}@example.com`;
  const registered = await api.call('POST', '/auth/register', {
    body: { username, password, email },
  });
  expect(registered.status).toBe(201);
  const verification = await tokenSent(email, 'Confirm your e-mail address');
  const verified = await api.call('POST', '/auth/email/verify', { body: { token: verification } });
  expect(verified.status).toBe(204);

  expect((await api.call('POST', '/auth/password/forgot', { body: { username } })).status).toBe(
    202,
  );
  const token = await tokenSent(email, 'Reset your password');
  // The answer came after the floor (1.5 s), already past the link's end; a second more is margin.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const reset = await api.call('POST', '/auth/password/reset', {
    body: { token, new_password: 'a brand new passphrase' },
  });

  expect(reset.status).toBe(400);
  expect(reset.json).toMatchObject({ error: 'invalid_grant' });
  expect((await api.call('POST', '/auth/login', { body: { username, password } })).status).toBe(
    200,
  );
});
