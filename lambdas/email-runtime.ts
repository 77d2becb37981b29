/**
 * The parts of the functions that send recovery messages (register and the
 * e-mail and password-recovery routes): the e-mail settings, the recovery
 * store and the mail sender. Apart from `runtime.ts` so that no other
 * function bundles the SES client or parses the e-mail settings.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailSender, RecoveryStore, RequestLimitStore } from './auth/ports';
import { awsClientDefaults } from './aws-clients';
import { type Sleep, systemSleep } from './clock';
import type { Env } from './config';
import { type EmailConfig, loadEmailConfig } from './email-config';
import type { OutboxOptions } from './mail/outbox';
import { createSesMailer } from './mail/ses';
import {
  createWiring,
  type Part,
  RUNTIME_PARTS,
  type Runtime,
  type RuntimeOf,
  wireParts,
} from './runtime';
import { createRecoveryStore } from './store/recovery';
import { createRequestLimitStore } from './store/request-limits';

/** What the e-mail parts add to a route's runtime. */
export interface EmailParts {
  email: EmailConfig;
  /** Verified addresses' owners, outstanding tokens and the users' e-mail attributes. */
  recovery: () => RecoveryStore;
  /** The configured sender; only called where e-mail is on (`email.delivery` set). */
  mail: () => MailSender;
  /** Waits out forgot-password's response-time floor. */
  sleep: Sleep;
  /** The request counters of forgot and verify (`auth/recovery-limits.ts`). */
  requestLimits: () => RequestLimitStore;
}

/** Every part, the e-mail ones included: local mode and tests. */
export type EmailRuntime = Runtime & EmailParts;

/** An e-mail route's runtime: the e-mail parts and the common parts named. */
export type EmailRuntimeOf<K extends keyof typeof RUNTIME_PARTS> = RuntimeOf<K> & EmailParts;

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

/** The e-mail settings, parsed at cold start by `wireEmail`. */
const emailSettings: Part<EmailConfig> = (w) => loadEmailConfig(w.env);

const recovery: Part<RecoveryStore> = (w) => createRecoveryStore(w.dynamo(), w.config.tables);

const requestLimits: Part<RequestLimitStore> = (w) =>
  createRequestLimitStore(w.dynamo(), w.config.tables.recovery);

const mail: Part<MailSender> = (w) => {
  const delivery = w.use(emailSettings).delivery;
  if (!delivery) throw new Error('E-mail is off: EMAIL_FROM is not set.');
  return delivery.kind === 'outbox'
    ? localOutbox({ dir: delivery.dir, from: delivery.from, clock: w.clock })
    : createSesMailer({
        client: new SESv2Client(awsClientDefaults()),
        from: delivery.from,
        ...(delivery.configurationSet ? { configurationSet: delivery.configurationSet } : {}),
      });
};

/** An e-mail route's runtime from the environment: the e-mail parts and the common parts named. */
export function wireEmail<P extends Record<string, Part<unknown>>>(
  parts: P,
  env: Env = process.env,
): ReturnType<typeof wireParts<P>> & EmailParts {
  const w = createWiring(env);
  return {
    ...wireParts(w, parts),
    email: w.use(emailSettings),
    recovery: () => w.use(recovery),
    mail: () => w.use(mail),
    sleep: systemSleep,
    requestLimits: () => w.use(requestLimits),
  };
}

/** Every part, the e-mail ones included. */
export function createEmailRuntime(env: Env = process.env): EmailRuntime {
  return wireEmail(RUNTIME_PARTS, env);
}
