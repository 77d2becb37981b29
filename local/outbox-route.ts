/**
 * Local mode's outbox route, `GET /local/outbox[?to=<address>]`: the
 * messages in `DATA_DIR/outbox/` (`lambdas/mail/outbox.ts`), newest first,
 * each with its link, so that the demo page can follow a verification or
 * reset link without a mail client. A reset link is a credential, so:
 * - the route exists only in local mode and only when `OUTBOX_SECRET` is
 *   set; otherwise the path is unknown, as any other (404);
 * - a caller proves itself as on the local introspection route
 *   (`iam-stand-in.ts`): HTTP Basic with the secret as password. No
 *   credentials answers 404 like an unknown path, a wrong secret 403;
 * - the server listens on loopback only, and answers without CORS headers,
 *   so no page of another origin can read the answer.
 * Another user of the machine can reach the port but does not know the
 * secret, and cannot read the files (0600 in a 0700 folder).
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { normaliseEmail } from '../lambdas/auth/email-address';
import { GATEWAY_RESPONSES } from '../lambdas/contract/gateway-responses';
import { SECURITY_HEADERS } from '../lambdas/contract/headers';
import { log } from '../lambdas/log';
import { linkIn, parseEml } from '../lambdas/mail/eml';
import { checkIamStandIn } from './iam-stand-in';

export const OUTBOX_PATH = '/local/outbox';

/** The newest messages the route lists at most. */
export const OUTBOX_LIST_LIMIT = 20;

export interface OutboxMessage {
  /** The file's name in the outbox. */
  id: string;
  to: string;
  subject: string;
  /** ISO 8601. */
  date: string;
  text: string;
  /** The message's link (`linkIn`), if any. */
  link?: string;
}

/** The messages of `dir`, newest first, only those to `to` (normalised) when given. */
export async function readOutbox(
  dir: string,
  { to, limit = OUTBOX_LIST_LIMIT }: { to?: string; limit?: number } = {},
): Promise<OutboxMessage[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const messages: OutboxMessage[] = [];
  // The names start with the ISO time of writing: the newest sort last.
  for (const name of names
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .reverse()) {
    if (messages.length >= limit) break;
    const path = join(dir, name);
    // Only files the outbox wrote: never through a link.
    if (!(await lstat(path)).isFile()) continue;
    const parsed = parseEml(await readFile(path, 'utf8'));
    if (!parsed || (to !== undefined && parsed.to !== to)) continue;
    const link = linkIn(parsed.text);
    messages.push({ id: name, ...parsed, ...(link ? { link } : {}) });
  }
  return messages;
}

function send(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(JSON.stringify(body));
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  { dir, secret }: { dir: string; secret: string },
): Promise<void> {
  const refused = checkIamStandIn(request.headers.authorization, secret);
  if (refused) {
    const spec = GATEWAY_RESPONSES[refused];
    send(response, spec.status ?? 403, spec.body, spec.headers);
    return;
  }
  const rawTo = new URL(request.url ?? '/', 'http://localhost').searchParams.get('to');
  const to = rawTo === null ? undefined : normaliseEmail(rawTo);
  if (rawTo !== null && to === undefined) {
    send(response, 400, {
      error: 'invalid_request',
      message: 'Invalid query parameter "to": must be an e-mail address',
    });
    return;
  }
  send(response, 200, { messages: await readOutbox(dir, to === undefined ? {} : { to }) });
}

/**
 * Answers `GET /local/outbox` itself and hands every other request to
 * `next`. Only installed when the secret is set (`app.ts`).
 */
export function withOutboxRoute(
  next: RequestListener,
  options: { dir: string; secret: string },
): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== OUTBOX_PATH || request.method !== 'GET') {
      next(request, response);
      return;
    }
    answer(request, response, options).catch((error: unknown) => {
      log('error', 'outbox route failed', { error });
      send(response, 500, { error: 'internal_error', message: 'The outbox could not be read.' });
    });
  };
}
