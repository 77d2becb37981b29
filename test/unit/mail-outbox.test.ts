/** Local mode's outbox: one RFC 5322 file per message, readable by its owner alone, its link printed. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseEmail } from '../../lambdas/auth/email-address';
import { formatEml } from '../../lambdas/mail/eml';
import { createOutboxMailer } from '../../lambdas/mail/outbox';
import { FROZEN_NOW } from '../support/keys';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'outbox-test-')), 'outbox');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const MAIL = {
  to: 'alice@example.com',
  subject: 'Confirm your e-mail address',
  text: 'Open this link:\n\nhttps://app.example.com/?token=abc',
  link: 'https://app.example.com/?token=abc',
};

describe('the outbox mailer', () => {
  it('writes one .eml file per message, mode 0600 in a 0700 folder, and prints its link', async () => {
    const printed: string[] = [];
    const mailer = createOutboxMailer({
      dir,
      from: 'no-reply@localhost',
      clock: () => FROZEN_NOW,
      print: (line) => printed.push(line),
    });

    await mailer.send(MAIL);
    await mailer.send(MAIL);

    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).toMatch(/\.eml$/);
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(printed.filter((line) => line.includes(MAIL.link))).toHaveLength(2);
  });

  it('writes RFC 5322: headers, a blank line, the body, CRLF line ends', async () => {
    const mailer = createOutboxMailer({
      dir,
      from: 'no-reply@localhost',
      clock: () => FROZEN_NOW,
      print: () => undefined,
    });

    await mailer.send(MAIL);

    const [file] = readdirSync(dir);
    const eml = readFileSync(join(dir, file as string), 'utf8');
    const split = eml.indexOf('\r\n\r\n');
    const head = eml.slice(0, split);
    const body = eml.slice(split + 4);
    expect(head.split('\r\n')).toEqual(
      expect.arrayContaining([
        'From: no-reply@localhost',
        'To: alice@example.com',
        'Subject: Confirm your e-mail address',
        `Date: ${FROZEN_NOW.toUTCString().replace('GMT', '+0000')}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
      ]),
    );
    expect(body).toBe('Open this link:\r\n\r\nhttps://app.example.com/?token=abc\r\n');
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('refuses a header with a line break: nothing can be injected', () => {
    expect(() =>
      formatEml(
        { ...MAIL, subject: 'Hi\r\nBcc: x@example.com' },
        { from: 'a@b.example', date: FROZEN_NOW, messageId: 'x@y' },
      ),
    ).toThrow(/control character/);
  });
});

describe('normaliseEmail', () => {
  it.each([
    [' Alice@Example.COM ', 'Alice@example.com'],
    ['o\u0301@example.com', '\u00f3@example.com'],
    ['a.b+tag@sub.example.org', 'a.b+tag@sub.example.org'],
  ])('normalises %p to %p', (raw, normal) => {
    expect(normaliseEmail(raw)).toBe(normal);
  });

  it.each([
    'no-at-sign',
    '@example.com',
    'alice@',
    'alice@localhost',
    'a b@example.com',
    'alice@example.com\r\nBcc: x@example.com',
    '"quoted"@example.com',
    '<alice@example.com>',
    '.alice@example.com',
    'al..ice@example.com',
    `${'a'.repeat(65)}@example.com`,
    `alice@${'a'.repeat(250)}.com`,
    'alice@exa_mple.com',
  ])('refuses %p', (raw) => {
    expect(normaliseEmail(raw)).toBeUndefined();
  });
});
