/**
 * The wiring of the functions that send recovery messages (register and the
 * e-mail and password-recovery routes): the common runtime plus the e-mail
 * settings and the mail sender. Apart from `runtime.ts` so that no other
 * function bundles the SES client or parses the e-mail settings.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailSender, RecoveryStore } from './auth/ports';
import { awsClientDefaults } from './aws-clients';
import { type Sleep, systemSleep } from './clock';
import type { Env } from './config';
import { type EmailConfig, loadEmailConfig } from './email-config';
import type { OutboxOptions } from './mail/outbox';
import { createSesMailer } from './mail/ses';
import { createRuntime, type Runtime } from './runtime';
import { createDocumentClient } from './store/dynamo';
import { createRecoveryStore } from './store/recovery';

export interface EmailRuntime extends Runtime {
  email: EmailConfig;
  /** Verified addresses' owners, outstanding tokens and the users' e-mail attributes. */
  recovery: () => RecoveryStore;
  /** The configured sender; only called where e-mail is on (`email.delivery` set). */
  mail: () => MailSender;
  /** Waits out forgot-password's response-time floor. */
  sleep: Sleep;
}

/**
 * Local mode's outbox, loaded on first use from a path the bundler does not
 * follow: `npm start` runs these modules unbundled, while a deployed bundle
 * never has `EMAIL_OUTBOX_DIR` (the rehearsal's bundles send through an SES
 * stand-in), so no bundle carries the outbox's code.
 */
function localOutbox(options: OutboxOptions): MailSender {
  const module = './mail/outbox';
  const loaded: Promise<typeof import('./mail/outbox')> = import(module);
  return { send: async (mail) => (await loaded).createOutboxMailer(options).send(mail) };
}

export function createEmailRuntime(env: Env = process.env): EmailRuntime {
  const runtime = createRuntime(env);
  const email = loadEmailConfig(env);
  let mail: MailSender | undefined;
  let recovery: RecoveryStore | undefined;
  return {
    ...runtime,
    email,
    sleep: systemSleep,
    recovery: () => {
      const { dynamodbEndpoint, tables } = runtime.config;
      recovery ??= createRecoveryStore(
        createDocumentClient({ endpoint: dynamodbEndpoint }),
        tables,
      );
      return recovery;
    },
    mail: () => {
      const delivery = email.delivery;
      if (!delivery) throw new Error('E-mail is off: EMAIL_FROM is not set.');
      mail ??=
        delivery.kind === 'outbox'
          ? localOutbox({ dir: delivery.dir, from: delivery.from, clock: runtime.clock })
          : createSesMailer({
              client: new SESv2Client(awsClientDefaults()),
              from: delivery.from,
              ...(delivery.configurationSet ? { configurationSet: delivery.configurationSet } : {}),
            });
      return mail;
    },
  };
}
