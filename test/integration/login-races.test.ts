/**
 * The login / password-change and login / logout-all races over HTTP: the
 * whole API in process on the embedded engine. First the reported case held
 * in place: a login that checked the old password is slow to write its
 * session (its PutItem is held back) until the revoker has answered: once the
 * revoker has answered, no login that got 200 keeps a usable token. (Every
 * step-by-step interleaving is in test/unit/auth/login-races.test.ts.) A
 * free-running version, logins streaming in while a logout-all is sent, cannot
 * assert this: a login request sent just before the logout-all may be served
 * after it, and then it rightly holds a live session.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../lambdas/config';
import type { TokensBody } from '../../lambdas/contract/bodies';
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

async function newUser() {
  const username = `race-${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  expect(
    (await api.request('POST', '/auth/register', { body: { username, password } })).status,
  ).toBe(201);
  const login = await api.request('POST', '/auth/login', { body: { username, password } });
  expect(login.status).toBe(200);
  return { username, password, caller: login.json as TokensBody };
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
    const tokens = login.json as TokensBody;
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
      (caller: TokensBody, password: string) =>
        api.request('POST', '/auth/password', {
          token: caller.access_token,
          body: { current_password: password, new_password: `new-${password}` },
        }),
    ],
    [
      'a logout-all',
      (caller: TokensBody) =>
        api.request('POST', '/auth/logout-all', { token: caller.access_token }),
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
});
