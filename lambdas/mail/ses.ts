/**
 * Mail in AWS: Amazon SES (API v2, `SendEmail`), from the configured
 * identity, with the configuration set if one is named. The client has the
 * project's timeouts (`aws-clients.ts`): a hung SES costs a bounded time and
 * the request answers 503, never a message "sent" that was not.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailSender } from '../auth/ports';
import { UnavailableError } from '../errors';

export interface SesOptions {
  client: SESv2Client;
  from: string;
  configurationSet?: string;
}

const UTF8 = 'UTF-8';

export function createSesMailer({ client, from, configurationSet }: SesOptions): MailSender {
  return {
    async send({ to, subject, text }) {
      try {
        await client.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: [to] },
            Content: {
              Simple: {
                Subject: { Data: subject, Charset: UTF8 },
                Body: { Text: { Data: text, Charset: UTF8 } },
              },
            },
            ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
          }),
        );
      } catch (error) {
        throw new UnavailableError(undefined, {
          cause: new Error('SES SendEmail failed', { cause: error }),
        });
      }
    },
  };
}
