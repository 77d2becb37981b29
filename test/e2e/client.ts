/**
 * A tiny HTTP client for the end-to-end suite: global `fetch` to the server
 * process, JSON in and out, and the few calls every scenario needs.
 */
import { randomBytes } from 'node:crypto';
import { type E2eTarget, type ServerProcess, startServerProcess } from '../support/server-process';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; `undefined` when empty. */
  json: unknown;
  text: string;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  refresh_expires_in: number;
}

export interface CallOptions {
  /** JSON-encoded; a string is sent as is (malformed JSON). */
  body?: unknown;
  token?: string;
}

export function apiClient(url: string) {
  async function call(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text ? JSON.parse(text) : undefined,
      text,
    };
  }

  /** Registers a fresh user; fails the test on anything but 201. */
  async function register(): Promise<{ userId: string; username: string; password: string }> {
    const username = `user-${randomBytes(6).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    const response = await call('POST', '/auth/register', { body: { username, password } });
    expect(response.status).toBe(201);
    const body = response.json as { user_id: string; username: string };
    return { userId: body.user_id, username: body.username, password };
  }

  /** Logs in; fails the test on anything but 200. */
  async function login(user: { username: string; password: string }): Promise<Tokens> {
    const response = await call('POST', '/auth/login', {
      body: { username: user.username, password: user.password },
    });
    expect(response.status).toBe(200);
    return response.json as Tokens;
  }

  const me = (accessToken: string) => call('GET', '/auth/me', { token: accessToken });
  const refresh = (refreshToken: string) =>
    call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });

  return { call, register, login, me, refresh };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The API's refusal of a token: 401 invalid_token with the Bearer challenge. */
export function expectInvalidToken(response: ApiResponse): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(response.json).toMatchObject({ error: 'invalid_token', message: expect.any(String) });
}

/**
 * Serves `target` for the enclosing `describe`: started before its first
 * test, stopped after its last. The getters are valid inside tests.
 */
export function servedTarget(target: E2eTarget): {
  api: () => ApiClient;
  server: () => ServerProcess;
} {
  let server: ServerProcess | undefined;
  let api: ApiClient | undefined;
  beforeAll(async () => {
    server = await startServerProcess({ target });
    api = apiClient(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`${target} did not start`);
    return value;
  };
  return { api: () => started(api), server: () => started(server) };
}
