/**
 * A fake of the API behind a fake `fetch`, for the client's unit tests: it
 * issues JWT-shaped tokens, rotates them on refresh, refuses revoked ones
 * with the real 401 body, and lets a test script failures, hold a refresh
 * open, and count calls. Also a manual clock whose `sleep` records delays.
 */
import type { Clock, FetchLike } from '../../../client';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function fakeJwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'ES256' })}.${b64url(claims)}.sig`;
}

export function json(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export const invalidToken = () =>
  json(
    401,
    { error: 'invalid_token', message: 'The token is invalid, expired or revoked.' },
    { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  );

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface SeenRequest {
  method: string;
  path: string;
  search: string;
  authorization: string | null;
  body: unknown;
}

export function fakeApi(options: { accessTtlSeconds?: number } = {}) {
  const ttl = options.accessTtlSeconds ?? 900;
  let counter = 0;
  const liveAccess = new Set<string>();
  const liveRefresh = new Set<string>();
  const accessOf = new Map<string, string>();
  const requests: SeenRequest[] = [];
  /** Responses to give instead of the normal ones, per "METHOD /path", first in first out. */
  const scripted = new Map<string, Array<() => Response | Promise<Response>>>();
  let refreshGate: Deferred | undefined;
  /** Routes held until their gate opens ("METHOD /path"). */
  const gates = new Map<string, Deferred>();
  const sid = 'session-1';

  function issue() {
    counter += 1;
    const access = fakeJwt({ sid, n: counter, token_use: 'access' });
    const refresh = fakeJwt({ sid, n: counter, token_use: 'refresh' });
    liveAccess.add(access);
    liveRefresh.add(refresh);
    accessOf.set(refresh, access);
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: ttl,
      refresh_expires_in: 86400,
    };
  }

  function bearer(request: Request): string | undefined {
    return request.headers.get('authorization')?.replace(/^Bearer /, '');
  }

  async function answer(request: Request, path: string, body: unknown): Promise<Response> {
    const route = `${request.method} ${path}`;
    await gates.get(route)?.promise;
    const queued = scripted.get(route)?.shift();
    if (queued) return queued();
    if (route === 'POST /auth/register') return json(201, { user_id: 'u1', username: 'alice' });
    if (route === 'POST /auth/login') return json(200, issue());
    if (route === 'POST /auth/refresh') {
      if (refreshGate) await refreshGate.promise;
      const presented = (body as { refresh_token?: string }).refresh_token ?? '';
      if (!liveRefresh.has(presented)) return invalidToken();
      // Rotation revokes the presented pair only (another login's pair lives on).
      liveRefresh.delete(presented);
      liveAccess.delete(accessOf.get(presented) ?? '');
      return json(200, issue());
    }
    if (route === 'POST /auth/mfa/verify') return json(200, issue());
    if (route === 'POST /auth/mfa/step-up') {
      const token = bearer(request) ?? '';
      if (!liveAccess.has(token)) return invalidToken();
      // The replaced pair dies at once: no grace for its refresh token.
      const refresh = [...accessOf].find(([, access]) => access === token)?.[0] ?? '';
      liveAccess.delete(token);
      liveRefresh.delete(refresh);
      return json(200, issue());
    }
    if (route === 'POST /auth/logout') {
      liveAccess.clear();
      liveRefresh.clear();
      return new Response(null, { status: 204 });
    }
    // Everything else is protected.
    const token = bearer(request);
    if (!token || !liveAccess.has(token)) return invalidToken();
    if (route === 'GET /auth/me') {
      return json(200, { user_id: 'u1', username: 'alice', session_id: sid, expires_at: 'x' });
    }
    if (route === 'GET /auth/sessions') return json(200, { sessions: [] });
    return new Response(null, { status: 204 });
  }

  const fetch: FetchLike = async (request) => {
    const url = new URL(request.url);
    // Paths as the API sees them, below the stage's base path.
    const path = url.pathname.replace(/^\/prod(?=\/)/, '');
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({
      method: request.method,
      path,
      search: url.search,
      authorization: request.headers.get('authorization'),
      body,
    });
    return answer(request, path, body);
  };

  return {
    fetch,
    requests,
    /** Calls of one route so far. */
    count: (method: string, path: string) =>
      requests.filter((r) => r.method === method && r.path === path).length,
    /** The next responses of a route, in order, before it answers normally again. */
    script(route: string, ...responses: Array<() => Response | Promise<Response>>) {
      scripted.set(route, [...(scripted.get(route) ?? []), ...responses]);
    },
    /** Holds every refresh until the returned gate is opened. */
    holdRefresh(): Deferred {
      refreshGate = deferred();
      return refreshGate;
    },
    /** Holds every request of `route` ("METHOD /path") until the returned gate is opened. */
    hold(route: string): Deferred {
      const gate = deferred();
      gates.set(route, gate);
      return gate;
    },
    /** The server forgets the live access tokens (e.g. its clock says they expired). */
    expireAccessTokens: () => liveAccess.clear(),
    /** The server revokes the whole session. */
    revokeSession() {
      liveAccess.clear();
      liveRefresh.clear();
    },
    isLive: (access: string) => liveAccess.has(access),
  };
}

/** A clock that only moves when told to, or when the client sleeps. */
export function manualClock(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
  return {
    clock,
    sleeps,
    advance(ms: number) {
      now += ms;
    },
  };
}
