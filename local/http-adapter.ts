/**
 * The `node:http` side of local mode: each HTTP request becomes a
 * {@link GatewayRequest} and each {@link GatewayResponse} is written back. It
 * holds no API logic; everything else happens in the emulated gateway.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { log } from '../lambdas/log';
import {
  type Gateway,
  type GatewayRequest,
  type GatewayResponder,
  type GatewayResponse,
  gatewayResponse,
} from './gateway';

/** Reads the body up to `limit` bytes; `undefined` when it is longer (the rest is drained, not kept). */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers['content-length']);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number.isFinite(declared) && declared > limit;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Header names as the client sent them (API Gateway keeps their case); repeats joined by commas. */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    const value = raw[index + 1] as string;
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]},${value}`;
    else headers[name] = value;
  }
  return headers;
}

function sourceIpOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * The path and query of a request target: the origin form (`/path?query`) or
 * the absolute form (`http://host/path`), as HTTP/1.1 allows.
 * `undefined` for anything else (`*`, `http://[`, a bare word): such a
 * request is answered 400. The path is never taken for an authority: in
 * `//x/auth/me` the `x` is part of the path, not a host to drop.
 */
export function requestTarget(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    if (raw.startsWith('/')) return new URL(`http://localhost${raw}`);
    if (/^https?:\/\//i.test(raw)) return new URL(raw);
  } catch {
    // Malformed: answered 400 below.
  }
  return undefined;
}

/** The gateway's request; `undefined` when the request target is malformed. */
export function toGatewayRequest(
  request: IncomingMessage,
  body: string,
): GatewayRequest | undefined {
  const url = requestTarget(request.url);
  if (!url) return undefined;
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    headers: headersOf(request),
    // Like API Gateway's queryStringParameters: the last value of a repeated name.
    query: Object.fromEntries(url.searchParams),
    ...(body ? { body } : {}),
    sourceIp: sourceIpOf(request),
  };
}

function write(response: ServerResponse, answer: GatewayResponse): void {
  // The client may be gone already; there is nobody left to answer then.
  if (response.destroyed) return;
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/**
 * A request listener serving `gateway`; bodies above `maxBodyBytes` and
 * malformed request targets get 400 invalid_request. `respond` builds the gateway's own answers (default: the shared definitions).
 */
export function createRequestListener(
  gateway: Gateway,
  options: { maxBodyBytes: number; respond?: GatewayResponder },
): RequestListener {
  const respond = options.respond ?? gatewayResponse;
  return (request, response) => {
    const started = Date.now();
    const serve = async (): Promise<GatewayResponse> => {
      const body = await readBody(request, options.maxBodyBytes);
      if (body === undefined) return respond('REQUEST_TOO_LARGE');
      const forGateway = toGatewayRequest(request, body);
      // API Gateway never sees a malformed request line: its front end answers 400.
      if (!forGateway) return respond('DEFAULT_4XX', { status: 400 });
      return gateway.handle(forGateway);
    };
    serve()
      .catch((error: unknown) => {
        log('error', 'local server: request failed', { error });
        return respond('DEFAULT_5XX', { status: 500 });
      })
      .then((answer) => {
        write(response, answer);
        // The path only: a query string could carry something secret.
        const path = (request.url ?? '/').split('?')[0]?.slice(0, 200);
        log('info', 'request', {
          method: request.method,
          path,
          status: answer.status,
          ms: Date.now() - started,
        });
      });
  };
}
