/**
 * A stand-in for Amazon SES (API v2) on loopback, for the deployment
 * rehearsal only: NOT part of the product. It answers what the functions
 * use, `SendEmail` (`POST /v2/email/outbound-emails`, REST-JSON) with simple
 * content, by writing the message to the outbox as local mode does
 * (`lambdas/mail/outbox.ts`: an RFC 5322 file, 0600 in a 0700 folder, its
 * link printed), instead of sending it. The functions reach it through the
 * SDK's standard `AWS_ENDPOINT_URL_SESV2`, so the deployed SES adapter runs
 * unchanged. Given a `credential`, it serves only requests signed with it
 * (SigV4, local/request-signature.ts), as the KMS stand-in does: no other
 * local user can have it write to the outbox. No identity or sandbox is
 * enforced: those only AWS can check.
 */
import type { IncomingMessage } from 'node:http';
import type { OutgoingMail } from '../../lambdas/auth/ports';
import { systemClock } from '../../lambdas/clock';
import { linkIn } from '../../lambdas/mail/eml';
import { createOutboxMailer } from '../../lambdas/mail/outbox';
import type { LocalCredential } from '../../local/request-signature';
import {
  listenOnLoopback,
  readBody,
  StandInError,
  type StandInProtocol,
  standInServer,
} from './stand-in-server';

export const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

export interface SesStandIn {
  endpoint: string;
  /** Calls answered so far, per operation (`SendEmail`), failed ones included. */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

function stringAt(value: unknown, path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

/** The message of a `SendEmail` body, as the outbox takes it; `StandInError` when it is not one. */
export function mailOf(body: unknown): { from: string; mail: OutgoingMail } {
  const from = stringAt(body, ['FromEmailAddress']);
  const destination = (body as { Destination?: { ToAddresses?: unknown } }).Destination;
  const to = destination?.ToAddresses;
  const subject = stringAt(body, ['Content', 'Simple', 'Subject', 'Data']);
  const text = stringAt(body, ['Content', 'Simple', 'Body', 'Text', 'Data']);
  if (!from) throw new StandInError('BadRequestException', 'FromEmailAddress is required.');
  if (!Array.isArray(to) || to.length !== 1 || typeof to[0] !== 'string') {
    throw new StandInError('BadRequestException', 'The stand-in sends to exactly one ToAddresses.');
  }
  if (subject === undefined || text === undefined) {
    throw new StandInError(
      'BadRequestException',
      'The stand-in sends Simple content with a text body.',
    );
  }
  // Printed as npm start's outbox prints it.
  const link = linkIn(text);
  return { from, mail: { to: to[0], subject, text, ...(link ? { link } : {}) } };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  try {
    return JSON.parse(text);
  } catch {
    throw new StandInError('BadRequestException', 'The request body is not JSON.');
  }
}

/** SES v2's REST-JSON: the error type in a header, the message in the body. */
const REST_JSON: StandInProtocol = {
  contentType: 'application/json',
  internalType: 'InternalFailure',
  refusal: (type, message) => ({ headers: { 'x-amzn-ErrorType': type }, body: { message } }),
};

/** Starts the stand-in, writing every message to `outboxDir`. */
export async function startSesStandIn(options: {
  outboxDir: string;
  /** The credential every request must be signed with; absent: any is accepted (tests). */
  credential?: LocalCredential;
  /** Where each message's link is printed; default stdout, as npm start's outbox. */
  print?: (line: string) => void;
}): Promise<SesStandIn> {
  const counts: Record<string, number> = {};
  let sent = 0;

  const server = standInServer(REST_JSON, async (request) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'POST' || path !== SEND_EMAIL_PATH) {
      throw new StandInError(
        'NotFoundException',
        `Unsupported request: ${request.method} ${path}`,
        404,
      );
    }
    counts.SendEmail = (counts.SendEmail ?? 0) + 1;
    const { from, mail } = mailOf(await readJson(request));
    await createOutboxMailer({
      dir: options.outboxDir,
      from,
      clock: systemClock,
      ...(options.print ? { print: options.print } : {}),
    }).send(mail);
    sent += 1;
    return { MessageId: `rehearsal-${Date.now()}-${sent}` };
  });
  const listening = await listenOnLoopback(server, options.credential);
  return { ...listening, calls: () => ({ ...counts }) };
}
