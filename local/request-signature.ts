/**
 * AWS Signature Version 4, checked on every request to the local engines: the
 * embedded DynamoDB of `npm start` and of the rehearsal, and the rehearsal's
 * KMS stand-in. They listen on 127.0.0.1, which every local user can reach;
 * without this check another user could read the password hashes, delete a
 * revocation, or have the stand-in sign a token with its private key.
 *
 * Each start makes a random credential ({@link newLocalCredential}); the
 * handlers sign with it through the AWS SDK as they sign for AWS, and it is
 * written nowhere but into the endpoint file of the data folder (0600, folder
 * 0700), where the admin CLI reads it. A request is served only when it is
 * signed with that credential: the right access key id and a signature that
 * the secret reproduces over the method, path, query, signed headers and body,
 * dated within AWS's 15 minutes. Anything else answers 403 as AWS does.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export interface LocalCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A fresh random credential, for one start. */
export function newLocalCredential(): LocalCredential {
  return {
    accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

/** AWS refuses a signature dated further than this from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(search: string): string {
  return [...new URLSearchParams(search)]
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a = '', x = ''], [b = '', y = '']) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The values of header `name` as received, trimmed, inner spaces collapsed, repeats joined by commas. */
function headerValue(request: IncomingMessage, name: string): string | undefined {
  const values: string[] = [];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    if ((raw[index] as string).toLowerCase() === name) {
      values.push((raw[index + 1] as string).trim().replace(/\s+/g, ' '));
    }
  }
  return values.length ? values.join(',') : undefined;
}

/** Parses an ISO 8601 basic date-time (`20261203T081500Z`). */
function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

/**
 * Why `request` (with its whole `body`) is not signed with `credential`;
 * `undefined` when it is.
 */
export function signatureProblem(
  request: IncomingMessage,
  body: Buffer,
  credential: LocalCredential,
  now: number = Date.now(),
): string | undefined {
  const match = AUTHORIZATION.exec(headerValue(request, 'authorization') ?? '');
  if (!match) return 'no SigV4 signature';
  const [, accessKeyId, day, region, service, signedList, signature] = match as unknown as string[];
  if (accessKeyId !== credential.accessKeyId) return 'unknown access key';
  const signedHeaders = (signedList as string).split(';');
  if (!signedHeaders.includes('host')) return 'host is not signed';
  const amzDate = headerValue(request, 'x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || !amzDate.startsWith(day as string)) return 'bad date';
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'signature expired';

  // The body is always hashed here: a declared hash (or UNSIGNED-PAYLOAD) must be the body's.
  const payloadHash = sha256(body);
  const declaredHash = headerValue(request, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== payloadHash) return 'body does not match';
  const url = new URL(request.url ?? '/', 'http://localhost');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${headerValue(request, name) ?? ''}\n`)
    .join('');
  const canonicalRequest = [
    request.method ?? 'GET',
    url.pathname,
    canonicalQuery(url.search),
    canonicalHeaders,
    signedList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(
      hmac(hmac(`AWS4${credential.secretAccessKey}`, day as string), region as string),
      service as string,
    ),
    'aws4_request',
  );
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signature as string, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : 'signature does not match';
}

/** AWS's answer to a request it cannot authenticate. */
function refuse(response: ServerResponse): void {
  const body = JSON.stringify({
    __type: 'com.amazon.coral.service#UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  });
  response.writeHead(403, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** Largest body read before the signature is checked (DynamoDB's own request limit is 16 MB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Puts the signature check in front of every request listener of `server`:
 * the body is read whole, checked, and handed on to the listeners unchanged
 * (as a stream of the same bytes); an unsigned or wrongly signed request
 * never reaches them.
 */
export function requireSignature(server: Server, credential: LocalCredential): Server {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          refuse(response);
          return;
        }
        chunks.push(chunk);
      }
    } catch {
      response.destroy();
      return;
    }
    const body = Buffer.concat(chunks);
    if (signatureProblem(request, body, credential) !== undefined) {
      refuse(response);
      return;
    }
    // The same request, its body readable again.
    const replay = Object.assign(Readable.from(body.length ? [body] : []), {
      method: request.method,
      url: request.url,
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      httpVersion: request.httpVersion,
      socket: request.socket,
      connection: request.socket,
    }) as unknown as IncomingMessage;
    for (const listener of listeners) listener(replay, response);
  });
  return server;
}
