/**
 * The client against `npm start` over HTTP, access tokens living 2 s: 50
 * concurrent requests through one client across an access-token expiry get
 * no 401 and cause exactly one refresh, whether the client refreshes before
 * the expiry or the server refuses the expired token first.
 */
import { randomBytes } from 'node:crypto';
import { type AuthClient, createAuthClient, type FetchLike } from '../../client';
import { type ServerProcess, startServerProcess } from '../support/server-process';

const ACCESS_TTL_SECONDS = 2;
/** The verifier accepts a token this long after its exp (lambdas/tokens/verify.ts). */
const SERVER_CLOCK_TOLERANCE_MS = 5000;

let server: ServerProcess;
/**
 * The second test's client, logged in while the first test runs: its token
 * must be past the server's tolerance, and waiting for that is the slow part.
 */
let refusedLater: Promise<{ client: AuthClient; wire: RecordingFetch; loggedInAt: number }>;

beforeAll(async () => {
  server = await startServerProcess({
    env: { ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TTL_SECONDS), PASSWORD_SCRYPT_LOG2_N: '10' },
  });
  refusedLater = (async () => {
    const wire = recordingFetch();
    // A client whose clock is set back by 10 s after login (a wrong clock put
    // right, a suspended laptop): it believes the token fresh and sends it.
    let setBack = 0;
    const client = createAuthClient({
      baseUrl: server.url,
      fetch: wire.fetch,
      clock: { now: () => Date.now() - setBack, sleep, random: Math.random },
    });
    await newUser(client);
    setBack = 10_000;
    return { client, wire, loggedInAt: Date.now() };
  })();
  // Reported by the second test, not here.
  refusedLater.catch(() => undefined);
});

afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type RecordingFetch = ReturnType<typeof recordingFetch>;

/** The global fetch, recording what went over the wire. */
function recordingFetch() {
  const wire: Array<{ path: string; status: number }> = [];
  const fetch: FetchLike = async (request) => {
    const response = await globalThis.fetch(request);
    wire.push({ path: new URL(request.url).pathname, status: response.status });
    return response;
  };
  return {
    fetch,
    wire,
    count: (path: string, status?: number) =>
      wire.filter((r) => r.path === path && (status === undefined || r.status === status)).length,
  };
}

async function newUser(client: AuthClient) {
  const credentials = {
    username: `client-${randomBytes(6).toString('hex')}`,
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  await client.register(credentials);
  await client.login(credentials);
}

it('refreshes once, before the expiry, for 50 requests spread across it', async () => {
  const wire = recordingFetch();
  // Refresh 0.5 s before exp: at ~1.5 s; the successor's turn comes at ~3 s.
  const client = createAuthClient({
    baseUrl: server.url,
    fetch: wire.fetch,
    refreshBeforeExpirySeconds: 0.5,
  });
  await newUser(client);
  const loggedInAt = Date.now();

  // From 1 s to 2.5 s after login: before, during and after the refresh, and past exp.
  const statuses = await Promise.all(
    Array.from({ length: 50 }, async (_, index) => {
      await sleep(loggedInAt + 1000 + index * 30 - Date.now());
      return (await client.fetch('/auth/me')).status;
    }),
  );

  expect(statuses).toEqual(Array(50).fill(200));
  expect(wire.count('/auth/refresh')).toBe(1);
  expect(wire.count('/auth/me', 401)).toBe(0);
});

it('refreshes once, after the refusal, for 50 requests the server refuses as expired', async () => {
  const { client, wire, loggedInAt } = await refusedLater;
  await sleep(
    loggedInAt + ACCESS_TTL_SECONDS * 1000 + SERVER_CLOCK_TOLERANCE_MS + 500 - Date.now(),
  );

  const statuses = await Promise.all(
    Array.from({ length: 50 }, async () => (await client.fetch('/auth/me')).status),
  );

  expect(statuses).toEqual(Array(50).fill(200));
  // Every first try was refused on the wire; none of those reached the caller.
  expect(wire.count('/auth/me', 401)).toBe(50);
  expect(wire.count('/auth/refresh')).toBe(1);
  expect(wire.count('/auth/me', 200)).toBe(50);
});

describe('the demo page', () => {
  it('is served at / with its script, the client bundled, same-origin only', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/demo.js"></script>');

    const script = await fetch(`${server.url}/demo.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('createAuthClient');

    // Everything else is still the API.
    const missing = await fetch(`${server.url}/demo.ts`);
    expect(missing.status).toBe(404);
  });
});
