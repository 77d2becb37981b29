/**
 * The node:http adapter of local mode, over a real loopback server and a fake
 * gateway: what reaches the gateway, what goes back, the body cap, and the
 * answers to requests that are malformed before any route is looked at.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { answerClientErrors } from '../../local/client-errors';
import type { Gateway, GatewayRequest } from '../../local/gateway';
import { createRequestListener } from '../../local/http-adapter';

let server: Server;
let url: string;
const received: GatewayRequest[] = [];
let answer: Gateway['handle'];

beforeAll(async () => {
  const gateway: Gateway = { handle: (request) => answer(request) };
  server = answerClientErrors(createServer(createRequestListener(gateway, { maxBodyBytes: 64 })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

beforeEach(() => {
  received.length = 0;
  answer = async (request) => {
    received.push(request);
    return { status: 201, headers: { 'X-Answer': 'yes' }, body: '{"ok":true}' };
  };
});

afterAll(async () => {
  jest.restoreAllMocks();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends `raw` bytes over a fresh connection; resolves with everything the server answered. */
function rawRequest(raw: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Status, lower-cased headers and body of a raw HTTP/1.1 answer. */
function parseAnswer(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: headers['transfer-encoding'] === 'chunked' ? dechunk(body) : body,
  };
}

/** The content of a chunked body. */
function dechunk(body: string): string {
  let content = '';
  let rest = body;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, end), 16);
    if (!size) return content;
    content += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 4 + size);
  }
}

const INVALID_REQUEST = { error: 'invalid_request', message: 'The request is invalid.' };

describe('malformed requests', () => {
  it.each([
    ['an absolute target that is no URL', 'http://['],
    ['an asterisk target on GET', '*'],
  ])(
    'answers 400 invalid_request as JSON to %s, without calling the gateway',
    async (_, target) => {
      const answer = parseAnswer(
        await rawRequest(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      );

      expect(answer.status).toBe(400);
      expect(answer.headers).toMatchObject({
        'content-type': 'application/json',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      expect(JSON.parse(answer.body)).toEqual(INVALID_REQUEST);
      expect(received).toEqual([]);
    },
  );

  it.each([
    [
      "headers above Node's limit",
      431,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    ['a request line Node cannot parse', 400, 'GET / HTTP/1.1 extra\r\n\r\n'],
    ['a header line without a colon', 400, 'GET / HTTP/1.1\r\nnot a header\r\n\r\n'],
  ])(
    "answers %s (refused by Node's parser) %i as JSON with the security headers",
    async (_, status, raw) => {
      const answer = parseAnswer(await rawRequest(raw));

      expect(answer.status).toBe(status);
      expect(answer.headers).toMatchObject({
        'content-type': 'application/json',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        connection: 'close',
      });
      expect(JSON.parse(answer.body)).toEqual(INVALID_REQUEST);
      expect(received).toEqual([]);
    },
  );

  it('keeps a path that starts with // whole: the first segment is no host to drop', async () => {
    await fetch(`${url}//x/auth/me`);
    await rawRequest('GET //x/auth/me?a=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

    expect(received.map((request) => request.path)).toEqual(['//x/auth/me', '//x/auth/me']);
    expect(received[1]?.query).toEqual({ a: '1' });
  });

  it('takes the path of an absolute target (HTTP/1.1 allows it)', async () => {
    await rawRequest('GET http://x/auth/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

    expect(received.map((request) => request.path)).toEqual(['/auth/me']);
  });
});

describe('createRequestListener', () => {
  it('passes method, path, query, headers, body and source address to the gateway', async () => {
    const response = await fetch(`${url}/auth/sessions/abc?verbose=1&x=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'v' },
      body: '{"a":1}',
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.json()).toEqual({ ok: true });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      path: '/auth/sessions/abc',
      query: { verbose: '1', x: '2' },
      body: '{"a":1}',
      sourceIp: '127.0.0.1',
    });
    const headers = Object.fromEntries(
      Object.entries(received[0]?.headers ?? {}).map(([name, value]) => [
        name.toLowerCase(),
        value,
      ]),
    );
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'v' });
  });

  it('passes no body when the request has none', async () => {
    await fetch(`${url}/auth/me`);

    expect(received[0]?.body).toBeUndefined();
  });

  it('returns 400 invalid_request without calling the gateway when the body is too large', async () => {
    const response = await fetch(`${url}/auth/login`, { method: 'POST', body: 'x'.repeat(65) });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message: 'The request body is too large.',
    });
    expect(received).toEqual([]);
  });

  it('returns 500 internal_error without details when the gateway itself fails', async () => {
    answer = async () => {
      throw new Error('internal detail');
    };

    const response = await fetch(`${url}/auth/me`);
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: 'internal_error',
      message: 'An unexpected error occurred.',
    });
    expect(text).not.toContain('internal detail');
  });
});
