/**
 * The node:http adapter of local mode, over a real loopback server and a fake
 * gateway: what reaches the gateway, what goes back, and the body cap.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway, GatewayRequest } from '../../local/gateway';
import { createRequestListener } from '../../local/http-adapter';

let server: Server;
let url: string;
const received: GatewayRequest[] = [];
let answer: Gateway['handle'];

beforeAll(async () => {
  const gateway: Gateway = { handle: (request) => answer(request) };
  server = createServer(createRequestListener(gateway, { maxBodyBytes: 64 }));
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
