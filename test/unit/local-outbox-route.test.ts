/**
 * The local outbox route over HTTP on loopback: the messages of the outbox,
 * newest first with their links, only to a caller holding the secret (HTTP
 * Basic, as local introspection); without credentials the path answers like
 * an unknown one, a wrong secret 403; no CORS header lets another origin read.
 */
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verificationMail } from '../../lambdas/auth/email-messages';
import { writeToOutbox } from '../../lambdas/mail/outbox';
import { OUTBOX_PATH, readOutbox, withOutboxRoute } from '../../local/outbox-route';

const SECRET = 'a-local-outbox-secret';
const basic = (secret: string) => `Basic ${Buffer.from(`demo:${secret}`).toString('base64')}`;

let server: Server;
let url: string;
let dir: string;
let now = Date.parse('2026-12-03T10:00:00Z');
const clock = () => new Date(now);

async function deliver(to: string, link: string): Promise<void> {
  now += 1000;
  await writeToOutbox({ dir, from: 'no-reply@localhost', clock }, verificationMail(to, link, 24));
}

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'outbox-route-')), 'outbox');
  server = createServer(
    withOutboxRoute(
      (_request, response) => {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        response.end('{"error":"not_found","from":"next"}');
      },
      { dir, secret: SECRET },
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('GET /local/outbox', () => {
  it('lists the messages newest first with their links; ?to= picks one address however typed', async () => {
    await deliver('alice@example.com', 'http://127.0.0.1:3000/?token=first');
    await deliver('bob@example.com', 'http://127.0.0.1:3000/?token=bobs');
    await deliver('alice@example.com', 'http://127.0.0.1:3000/?token=second');

    const all = await fetch(`${url}${OUTBOX_PATH}`, { headers: { authorization: basic(SECRET) } });
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toBe('no-store');
    expect(all.headers.get('access-control-allow-origin')).toBeNull();
    const { messages } = (await all.json()) as { messages: { to: string; link: string }[] };
    expect(messages.map((message) => message.link)).toEqual([
      'http://127.0.0.1:3000/?token=second',
      'http://127.0.0.1:3000/?token=bobs',
      'http://127.0.0.1:3000/?token=first',
    ]);
    expect(messages[0]).toMatchObject({
      to: 'alice@example.com',
      subject: 'Confirm your e-mail address',
      date: '2026-12-03T10:00:03.000Z',
    });

    const alice = await fetch(
      `${url}${OUTBOX_PATH}?to=${encodeURIComponent('alice@EXAMPLE.com')}`,
      {
        headers: { authorization: basic(SECRET) },
      },
    );
    const body = (await alice.json()) as { messages: { link: string }[] };
    expect(body.messages.map((message) => message.link)).toEqual([
      'http://127.0.0.1:3000/?token=second',
      'http://127.0.0.1:3000/?token=first',
    ]);
  });

  it('answers no credentials like an unknown path (404), a wrong secret 403, and shows nothing', async () => {
    await deliver('alice@example.com', 'http://127.0.0.1:3000/?token=secret-link');

    const none = await fetch(`${url}${OUTBOX_PATH}`);
    expect(none.status).toBe(404);
    const wrong = await fetch(`${url}${OUTBOX_PATH}`, {
      headers: { authorization: basic('a-guessed-secret-value') },
    });
    expect(wrong.status).toBe(403);
    const bearer = await fetch(`${url}${OUTBOX_PATH}`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(bearer.status).toBe(403);
    for (const response of [none, wrong, bearer]) {
      expect(await response.text()).not.toContain('secret-link');
    }
  });

  it('refuses a ?to= that is no address (400) and hands other methods and paths on', async () => {
    const bad = await fetch(`${url}${OUTBOX_PATH}?to=nobody`, {
      headers: { authorization: basic(SECRET) },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });

    const post = await fetch(`${url}${OUTBOX_PATH}`, {
      method: 'POST',
      headers: { authorization: basic(SECRET) },
    });
    expect(await post.json()).toEqual({ error: 'not_found', from: 'next' });
    const other = await fetch(`${url}/local/outbox/x`, {
      headers: { authorization: basic(SECRET) },
    });
    expect(await other.json()).toEqual({ error: 'not_found', from: 'next' });
  });
});

describe('readOutbox', () => {
  it('is empty before the first message, keeps to the limit, and skips links and foreign files', async () => {
    expect(await readOutbox(dir)).toEqual([]);
    for (let index = 0; index < 3; index++) {
      await deliver('a@example.com', `http://127.0.0.1:3000/?token=t${index}`);
    }
    await writeFile(join(dir, 'notes.txt'), 'not a message');
    await writeFile(join(dir, '9999-garbage.eml'), 'no headers at all');
    await symlink(join(dir, 'notes.txt'), join(dir, '9999-link.eml'));

    const listed = await readOutbox(dir, { limit: 2 });
    expect(listed.map((message) => message.link)).toEqual([
      'http://127.0.0.1:3000/?token=t2',
      'http://127.0.0.1:3000/?token=t1',
    ]);
  });
});
