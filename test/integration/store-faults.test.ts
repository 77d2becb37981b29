/**
 * Fault injection: the whole API in process with a TCP proxy between the
 * handlers and the embedded DynamoDB. While the store refuses connections,
 * resets them or hangs, the authorizer and an unprotected route answer 503
 * `unavailable` in bounded time (nothing let through); as soon as the store
 * is back, the very next requests succeed (no socket stays stuck).
 */
import { randomBytes } from 'node:crypto';
import { AWS_CALL_BUDGET_MS, REQUEST_TIMEOUT_MS } from '../../lambdas/aws-clients';
import { ENV } from '../../lambdas/config';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';
import { type LocalApi, type LocalApiResponse, startLocalApi } from '../support/local-api';
import { type FaultMode, startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

/** The authorizer's bound, end to end with retries. */
const AUTHORIZER_BOUND_MS = 3000;
/** Every route stays well under its 10 s Lambda timeout. */
const ROUTE_BOUND_MS = 5000;
/** After the store comes back, the first request must not wait for stuck sockets. */
const RECOVERY_BOUND_MS = 1000;
/**
 * `GET /auth/me` reads the account too. Its function made no call during the
 * outage (the authorizer refused first), so the connection it pooled before
 * went silent unnoticed: its first call waits out one attempt's timeout,
 * then the retry goes through on a fresh connection. Still bounded.
 */
const IDLE_POOL_RECOVERY_BOUND_MS = RECOVERY_BOUND_MS + REQUEST_TIMEOUT_MS;
/** What "no answer" means here: the old code never answered at all. */
const NO_ANSWER_MS = 10_000;

let dynamo: TestDynamo;
let proxy: TcpProxy;
let api: LocalApi;
const user = {
  username: `faults-${randomBytes(4).toString('hex')}`,
  password: `pw-${randomBytes(9).toString('base64url')}`,
};
let accessToken: string;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  dynamo = await startTestDynamo();
  proxy = await startTcpProxy({ port: Number(new URL(dynamo.endpoint).port) });
  api = await startLocalApi({
    [ENV.passwordHashCost]: '10',
    [ENV.dynamodbEndpoint]: proxy.endpoint,
  });
  expect((await api.request('POST', '/auth/register', { body: user })).status).toBe(201);
  const login = await api.request('POST', '/auth/login', { body: user });
  expect(login.status).toBe(200);
  accessToken = (login.json as { access_token: string }).access_token;
});

afterEach(async () => {
  await proxy.setMode('pass');
});

afterAll(async () => {
  jest.restoreAllMocks();
  await api?.close();
  await proxy?.close();
  await dynamo?.close();
});

/** The response and how long it took; fails the test instead of hanging when there is none. */
async function timed(
  request: () => Promise<LocalApiResponse>,
): Promise<{ response: LocalApiResponse; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const noAnswer = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${NO_ANSWER_MS} ms`)),
      NO_ANSWER_MS,
    );
  });
  try {
    const response = await Promise.race([request(), noAnswer]);
    return { response, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const me = () => api.request('GET', '/auth/me', { token: accessToken });
const login = () => api.request('POST', '/auth/login', { body: user });

describe('the API with its DynamoDB behind a fault', () => {
  it('has a per-call budget that keeps the authorizer within its bound', () => {
    expect(AWS_CALL_BUDGET_MS).toBeLessThan(AUTHORIZER_BOUND_MS);
  });

  it.each<FaultMode>(['refuse', 'reset', 'hang'])(
    'answers 503 unavailable in bounded time while the store is set to %s, and recovers at once',
    async (mode) => {
      // Warm sockets in the pool first: a fault must also free those.
      expect((await me()).status).toBe(200);
      await proxy.setMode(mode);

      const authorizer = await timed(me);
      const route = await timed(login);

      expect(authorizer.response.status).toBe(503);
      expect(authorizer.response.json).toMatchObject({ error: 'unavailable' });
      expect(authorizer.ms).toBeLessThan(AUTHORIZER_BOUND_MS);
      expect(route.response.status).toBe(503);
      expect(route.response.json).toMatchObject({ error: 'unavailable' });
      expect(route.ms).toBeLessThan(ROUTE_BOUND_MS);

      await proxy.setMode('pass');
      const recovered = await timed(me);
      const routeRecovered = await timed(login);

      expect(recovered.response.status).toBe(200);
      expect(recovered.ms).toBeLessThan(IDLE_POOL_RECOVERY_BOUND_MS);
      expect(routeRecovered.response.status).toBe(200);
      expect(routeRecovered.ms).toBeLessThan(RECOVERY_BOUND_MS);
    },
  );

  it('recovers from a hang that filled every pooled socket', async () => {
    await proxy.setMode('hang');
    const stuck = await Promise.all(Array.from({ length: 60 }, () => timed(me)));
    expect(stuck.map(({ response }) => response.status)).toEqual(stuck.map(() => 503));

    await proxy.setMode('pass');
    const recovered = await timed(me);

    expect(recovered.response.status).toBe(200);
    expect(recovered.ms).toBeLessThan(IDLE_POOL_RECOVERY_BOUND_MS);
  });
});
