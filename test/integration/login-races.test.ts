/**
 * The login / password-change and login / logout-all races over HTTP: the
 * whole API in process on the embedded engine. First the reported case held
 * in place: a login that checked the old password is slow to write its
 * session (its PutItem is held back) until the revoker has answered. Then
 * free-running: logins stream in while a logout-all is sent. Either way, once
 * the revoker has answered no login that got 200 keeps a usable token. (Every
 * step-by-step interleaving is in test/unit/auth/login-races.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../lambdas/config';
import { LOCAL_TABLE_NAMES } from '../../local/tables';
import { type LocalApi, type LocalApiResponse, startLocalApi } from '../support/local-api';

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ [ENV.passwordHashCost]: '11' });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await api?.close();
});

interface Tokens {
  access_token: string;
  refresh_token: string;
}

const STAGGER_MS = 3;
const MAX_LOGINS = 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newUser() {
  const username = `race-${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  expect(
    (await api.request('POST', '/auth/register', { body: { username, password } })).status,
  ).toBe(201);
  const login = await api.request('POST', '/auth/login', { body: { username, password } });
  expect(login.status).toBe(200);
  return { username, password, caller: login.json as Tokens };
}

/**
 * Starts a login every few milliseconds until `stop()` resolves (or
 * MAX_LOGINS): some are always between reading the hash and writing the
 * session when the revoker makes its move.
 */
async function loginsUntil(
  username: string,
  password: string,
  stop: Promise<unknown>,
): Promise<LocalApiResponse[]> {
  let stopped = false;
  void stop.finally(() => {
    stopped = true;
  });
  const logins: Promise<LocalApiResponse>[] = [];
  while (!stopped && logins.length < MAX_LOGINS) {
    logins.push(api.request('POST', '/auth/login', { body: { username, password } }));
    await sleep(STAGGER_MS);
  }
  return Promise.all(logins);
}

/**
 * Holds back the next PutItem on the Sessions table (a login writing its
 * session) until `release()`, as a slow network would.
 */
function holdSessionPut(): { reached: Promise<void>; release(): void } {
  const send = DynamoDBDocumentClient.prototype.send;
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const spy = jest
    .spyOn(DynamoDBDocumentClient.prototype, 'send')
    .mockImplementation(async function (this: DynamoDBDocumentClient, command: unknown) {
      if (command instanceof PutCommand && command.input.TableName === LOCAL_TABLE_NAMES.sessions) {
        spy.mockRestore();
        reached();
        await released;
      }
      return (send as (command: unknown) => Promise<unknown>).call(this, command);
    } as never);
  return { reached: reachedPromise, release };
}

/** Every login either failed like a wrong password or holds tokens that no longer work. */
async function expectNoneUsable(logins: LocalApiResponse[]): Promise<void> {
  for (const login of logins) {
    if (login.status !== 200) {
      expect(login).toMatchObject({ status: 401, json: { error: 'invalid_credentials' } });
      continue;
    }
    const tokens = login.json as Tokens;
    const [me, refreshed] = await Promise.all([
      api.request('GET', '/auth/me', { token: tokens.access_token }),
      api.request('POST', '/auth/refresh', { body: { refresh_token: tokens.refresh_token } }),
    ]);
    expect({ me: me.status, refresh: refreshed.status }).toEqual({ me: 401, refresh: 401 });
  }
}

describe('logins racing a revocation of every session, over HTTP', () => {
  it.each([
    [
      'a password change',
      (caller: Tokens, password: string) =>
        api.request('POST', '/auth/password', {
          token: caller.access_token,
          body: { current_password: password, new_password: `new-${password}` },
        }),
    ],
    [
      'a logout-all',
      (caller: Tokens) => api.request('POST', '/auth/logout-all', { token: caller.access_token }),
    ],
  ])(
    '%s overtaking a login that is slow to write its session leaves it unusable',
    async (_, revoke) => {
      const { username, password, caller } = await newUser();
      const held = holdSessionPut();

      const login = api.request('POST', '/auth/login', { body: { username, password } });
      await held.reached;
      const revoked = await revoke(caller, password);
      held.release();

      expect(revoked.status).toBe(204);
      await expectNoneUsable([await login]);
    },
  );

  it('a logout-all leaves no session of a login that started before it', async () => {
    const { username, password, caller } = await newUser();

    // Logins stream in; the logout-all is sent while some are under way, and
    // no login starts after it.
    const stop = sleep(30);
    const logins = loginsUntil(username, password, stop);
    await stop;
    const loggedOut = await api.request('POST', '/auth/logout-all', {
      token: caller.access_token,
    });
    const results = await logins;

    expect(loggedOut.status).toBe(204);
    await expectNoneUsable(results);
  });
});
