/**
 * The SES stand-in speaks enough of the SES API v2 for the project's own SES
 * adapter, through the real SDK client: a message "sent" lands in the outbox
 * as local mode writes it (0600, its link printed), for a client holding the
 * rehearsal's per-start credential only. And the rehearsal synthesizes the
 * project's stack with a sender, so its e-mail routes exist there.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { verificationMail } from '../../../lambdas/auth/email-messages';
import { UnavailableError } from '../../../lambdas/errors';
import { createSesMailer } from '../../../lambdas/mail/ses';
import { newLocalCredential } from '../../../local/request-signature';
import { REHEARSAL_EMAIL_CONTEXT, withRehearsalContext } from '../../../tools/rehearse/assembly';
import { type SesStandIn, startSesStandIn } from '../../../tools/rehearse/ses-stand-in';

const credential = newLocalCredential();
const LINK = 'http://127.0.0.1:3000/?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
let dir: string;
let outbox: string;
let ses: SesStandIn;
const printed: string[] = [];

function mailer(credentials = credential) {
  const client = new SESv2Client({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  return { client, mail: createSesMailer({ client, from: 'no-reply@localhost' }) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ses-stand-in-'));
  outbox = join(dir, 'outbox');
  ses = await startSesStandIn({
    outboxDir: outbox,
    credential,
    print: (line) => printed.push(line),
  });
});

afterAll(async () => {
  await ses?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the SES stand-in', () => {
  it('writes what the SES adapter sends to the outbox, 0600, and prints its link', async () => {
    const { client, mail } = mailer();
    try {
      await mail.send(verificationMail('Alice@example.com', LINK, 24));
    } finally {
      client.destroy();
    }

    const files = await readdir(outbox);
    expect(files).toHaveLength(1);
    const file = join(outbox, files[0] as string);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(outbox)).mode & 0o777).toBe(0o700);
    const eml = await readFile(file, 'utf8');
    expect(eml).toContain('\r\nTo: Alice@example.com\r\n');
    expect(eml.startsWith('From: no-reply@localhost\r\n')).toBe(true);
    expect(eml).toContain(`\r\n${LINK}\r\n`);
    expect(printed).toContain(`  link: ${LINK}`);
    expect(ses.calls()).toEqual({ SendEmail: 1 });
  });

  it.each([
    ['another credential', newLocalCredential()],
    ['the right access key id with another secret', { ...credential, secretAccessKey: 'guess' }],
  ])(
    'writes nothing for a client with %s (another local user): 503 to the caller',
    async (_, other) => {
      const before = await readdir(outbox);
      const { client, mail } = mailer(other);
      try {
        await expect(
          mail.send(verificationMail('eve@example.com', LINK, 24)),
        ).rejects.toBeInstanceOf(UnavailableError);
      } finally {
        client.destroy();
      }
      expect(await readdir(outbox)).toEqual(before);
    },
  );

  it('refuses a request that is not a simple SendEmail to one address, writing nothing', async () => {
    const before = await readdir(outbox);
    const unsigned = await fetch(`${ses.endpoint}/v2/email/outbound-emails`, {
      method: 'POST',
      body: '{}',
    });
    expect(unsigned.status).toBe(403);

    const open = await startSesStandIn({ outboxDir: outbox });
    try {
      const malformed = await fetch(`${open.endpoint}/v2/email/outbound-emails`, {
        method: 'POST',
        body: JSON.stringify({
          FromEmailAddress: 'no-reply@localhost',
          Destination: { ToAddresses: ['a@example.com', 'b@example.com'] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
        }),
      });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('x-amzn-errortype')).toBe('BadRequestException');
      expect((await fetch(`${open.endpoint}/v2/email/identities`)).status).toBe(404);
    } finally {
      await open.close();
    }
    expect(await readdir(outbox)).toEqual(before);
  });
});

describe('the rehearsal context', () => {
  it('adds a sender and a link page unless the command line gives them', () => {
    expect(withRehearsalContext([])).toEqual([
      `emailFrom=${REHEARSAL_EMAIL_CONTEXT.emailFrom}`,
      `emailLinkBaseUrl=${REHEARSAL_EMAIL_CONTEXT.emailLinkBaseUrl}`,
    ]);
    expect(withRehearsalContext(['signingMode=envelope', 'emailFrom=me@example.org'])).toEqual([
      `emailLinkBaseUrl=${REHEARSAL_EMAIL_CONTEXT.emailLinkBaseUrl}`,
      'signingMode=envelope',
      'emailFrom=me@example.org',
    ]);
  });
});
