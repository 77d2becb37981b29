/**
 * The SES adapter (`lambdas/mail/ses.ts`): one SES v2 `SendEmail` per
 * message, from the configured identity, to the one recipient, with the
 * configuration set only when one is named; a refusal is 503 `unavailable`,
 * never a message taken as sent.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { UnavailableError } from '../../lambdas/errors';
import { createSesMailer } from '../../lambdas/mail/ses';

const ses = mockClient(SESv2Client);
const MESSAGE = { to: 'alice@example.com', subject: 'Verify', text: 'Open the link.' };

beforeEach(() => ses.reset());

describe('the SES mailer', () => {
  it('sends one SendEmail from the identity to the recipient, with the configuration set named', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    const mail = createSesMailer({
      client: new SESv2Client({}),
      from: 'no-reply@example.com',
      configurationSet: 'bounces',
    });

    await mail.send(MESSAGE);

    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      {
        FromEmailAddress: 'no-reply@example.com',
        Destination: { ToAddresses: ['alice@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Verify', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Open the link.', Charset: 'UTF-8' } },
          },
        },
        ConfigurationSetName: 'bounces',
      },
    ]);
  });

  it('names no configuration set when none is configured', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });

    await createSesMailer({ client: new SESv2Client({}), from: 'no-reply@example.com' }).send(
      MESSAGE,
    );

    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).not.toHaveProperty(
      'ConfigurationSetName',
    );
  });

  it('answers 503 unavailable when SES refuses', async () => {
    ses.on(SendEmailCommand).rejects(new Error('MessageRejected'));
    const mail = createSesMailer({ client: new SESv2Client({}), from: 'no-reply@example.com' });

    await expect(mail.send(MESSAGE)).rejects.toBeInstanceOf(UnavailableError);
  });
});
