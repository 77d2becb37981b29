/**
 * Every route's handler, built on the real runtime over the embedded engine,
 * uses only the DynamoDB actions that contract/routes.ts grants its function
 * (and so the stack's IAM policy): each command the stores send while a
 * route answers is recorded and checked against that route's grants. The
 * handler tests run on fakes and see no commands; this is where the grants
 * meet the stores.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as QueryItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Secret } from 'otpauth';
import { timeStep, totpCode } from '../../lambdas/auth/mfa/totp';
import { ENV } from '../../lambdas/config';
import { ROUTES, type TableAction } from '../../lambdas/contract/routes';
import { TABLES, type TableName, tableEnvironment } from '../../lambdas/contract/tables';
import { EMAIL_ENV } from '../../lambdas/email-config';
import { createEmailRuntime, type EmailRuntime } from '../../lambdas/email-runtime';
import { createChangePasswordHandler } from '../../lambdas/http/routes/change-password';
import { createDeleteSessionHandler } from '../../lambdas/http/routes/delete-session';
import { createEmailChangeHandler } from '../../lambdas/http/routes/email-change';
import { createEmailVerifyHandler } from '../../lambdas/http/routes/email-verify';
import { createJwksHandler } from '../../lambdas/http/routes/jwks';
import { createListSessionsHandler } from '../../lambdas/http/routes/list-sessions';
import { createLoginHandler } from '../../lambdas/http/routes/login';
import { createLogoutHandler } from '../../lambdas/http/routes/logout';
import { createLogoutAllHandler } from '../../lambdas/http/routes/logout-all';
import { createMeHandler } from '../../lambdas/http/routes/me';
import { createMfaStepUpHandler } from '../../lambdas/http/routes/mfa-step-up';
import { createMfaTotpBeginHandler } from '../../lambdas/http/routes/mfa-totp-begin';
import { createMfaTotpConfirmHandler } from '../../lambdas/http/routes/mfa-totp-confirm';
import { createMfaTotpRemoveHandler } from '../../lambdas/http/routes/mfa-totp-remove';
import { createMfaVerifyHandler } from '../../lambdas/http/routes/mfa-verify';
import { createOauthIntrospectHandler } from '../../lambdas/http/routes/oauth-introspect';
import { createOauthMetadataHandler } from '../../lambdas/http/routes/oauth-metadata';
import { createOauthRevokeHandler } from '../../lambdas/http/routes/oauth-revoke';
import { createPasswordForgotHandler } from '../../lambdas/http/routes/password-forgot';
import { createPasswordResetHandler } from '../../lambdas/http/routes/password-reset';
import { createRefreshHandler } from '../../lambdas/http/routes/refresh';
import { createRegisterHandler } from '../../lambdas/http/routes/register';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';
import { createTestSigner, decodeJwt, TEST_SETTINGS } from '../support/keys';
import { call, type EventOptions, type ProxyHandler, proxyEvent } from '../unit/handlers/harness';

const FACTORIES: Record<string, (runtime: EmailRuntime) => ProxyHandler> = {
  Register: createRegisterHandler,
  Login: createLoginHandler,
  Refresh: createRefreshHandler,
  Logout: createLogoutHandler,
  LogoutAll: createLogoutAllHandler,
  Me: createMeHandler,
  ListSessions: createListSessionsHandler,
  DeleteSession: createDeleteSessionHandler,
  ChangePassword: createChangePasswordHandler,
  EmailChange: createEmailChangeHandler,
  EmailVerify: createEmailVerifyHandler,
  PasswordForgot: createPasswordForgotHandler,
  PasswordReset: createPasswordResetHandler,
  MfaTotpBegin: createMfaTotpBeginHandler,
  MfaTotpConfirm: createMfaTotpConfirmHandler,
  MfaTotpRemove: createMfaTotpRemoveHandler,
  MfaVerify: createMfaVerifyHandler,
  MfaStepUp: createMfaStepUpHandler,
  Jwks: createJwksHandler,
  OAuthRevoke: createOauthRevokeHandler,
  OAuthIntrospect: createOauthIntrospectHandler,
  OAuthMetadata: createOauthMetadataHandler,
};

const ACTIONS = new Map<unknown, TableAction>([
  [GetCommand, 'GetItem'],
  [GetItemCommand, 'GetItem'],
  [PutCommand, 'PutItem'],
  [PutItemCommand, 'PutItem'],
  [UpdateCommand, 'UpdateItem'],
  [UpdateItemCommand, 'UpdateItem'],
  [DeleteCommand, 'DeleteItem'],
  [DeleteItemCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [QueryItemsCommand, 'Query'],
]);

let dynamo: TestDynamo;
/** Where the messages go (local mode's outbox). */
const outbox = mkdtempSync(join(tmpdir(), 'route-grants-outbox-'));
let handlers: Record<string, ProxyHandler>;
/** What the stores sent, as `table:action` (`unknown` when it is no table or no action). */
const sent: string[] = [];
/** Per route id, everything its requests sent. */
const used = new Map<string, Set<string>>();

function record(command: unknown): void {
  const { input } = command as { input: { TableName?: string } };
  const table = (Object.keys(TABLES) as TableName[]).find(
    (name) => TABLES[name].logicalName === input.TableName,
  );
  const action = ACTIONS.get((command as object).constructor);
  sent.push(`${table ?? 'unknown'}:${action ?? 'unknown'}`);
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const { keyDir } = await createTestSigner();
  const runtime = createEmailRuntime({
    ...process.env,
    [EMAIL_ENV.emailFrom]: 'no-reply@example.com',
    [EMAIL_ENV.emailLinkBaseUrl]: 'https://app.example.com/verify',
    [EMAIL_ENV.emailOutboxDir]: outbox,
    // No response-time floor to wait out here.
    [EMAIL_ENV.passwordForgotMinResponseMs]: '0',
    ...tableEnvironment(),
    [ENV.dynamodbEndpoint]: dynamo.endpoint,
    [ENV.localKeyDir]: keyDir,
    [ENV.issuer]: TEST_SETTINGS.issuer,
    [ENV.audience]: TEST_SETTINGS.audience,
    [ENV.passwordHashCost]: '10',
  });
  handlers = Object.fromEntries(
    Object.entries(FACTORIES).map(([id, factory]) => [id, factory(runtime)]),
  );
  for (const client of [DynamoDBDocumentClient, DynamoDBClient]) {
    const send = client.prototype.send;
    jest.spyOn(client.prototype, 'send').mockImplementation(function (
      this: unknown,
      ...args: unknown[]
    ) {
      record(args[0]);
      return (send as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof send);
  }
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await dynamo?.close();
  rmSync(outbox, { recursive: true, force: true });
});

/** The token of the one link sent to `to` in the outbox (with this subject, if given). */
function tokenSentTo(to: string, subject?: string): string {
  const links = readdirSync(outbox)
    .map((file) => readFileSync(join(outbox, file), 'utf8'))
    .filter((text) => text.includes(`\r\nTo: ${to}\r\n`))
    .filter((text) => subject === undefined || text.includes(`\r\nSubject: ${subject}\r\n`))
    .flatMap((text) => /[?&]token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? []);
  if (links.length !== 1) throw new Error(`${links.length} links sent to ${to}`);
  return links[0] as string;
}

/** Calls route `id`, recording what it sent; returns the answer. */
async function ask(id: string, options: EventOptions) {
  const handler = handlers[id];
  if (!handler) throw new Error(`No handler for ${id}`);
  sent.length = 0;
  const response = await call(handler, proxyEvent(options));
  const seen = used.get(id) ?? new Set<string>();
  for (const entry of sent) seen.add(entry);
  used.set(id, seen);
  return response;
}

/** The authorizer context of an access token, as API Gateway passes it on. */
function contextOf(accessToken: string): Record<string, string> {
  const { sub, sid, jti, username, exp } = decodeJwt(accessToken).payload as Record<
    string,
    string | number
  >;
  return {
    sub: String(sub),
    sid: String(sid),
    jti: String(jti),
    username: String(username),
    exp: String(exp),
    principalId: String(sub),
  };
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: FORM,
});

async function logIn(password: string) {
  const response = await ask('Login', { body: { username: 'alice', password } });
  expect(response.status).toBe(200);
  return response.json as { access_token: string; refresh_token: string };
}

describe('the DynamoDB actions of each route', () => {
  it('stay within what contract/routes.ts grants, on every route', async () => {
    const password = 'a long first passphrase';
    expect(
      (await ask('Register', { body: { username: 'alice', password, email: 'a@example.com' } }))
        .status,
    ).toBe(201);
    expect(
      (await ask('Login', { body: { username: 'alice', password: 'wrong passphrase' } })).status,
    ).toBe(401);
    const first = await logIn(password);
    const second = await logIn(password);

    const refreshed = await ask('Refresh', { body: { refresh_token: first.refresh_token } });
    expect(refreshed.status).toBe(200);
    const current = refreshed.json as { access_token: string; refresh_token: string };
    const caller = contextOf(current.access_token);

    expect((await ask('Me', { method: 'GET', authorizer: caller })).status).toBe(200);
    expect((await ask('ListSessions', { method: 'GET', authorizer: caller })).status).toBe(200);
    const deleted = await ask('DeleteSession', {
      method: 'DELETE',
      authorizer: caller,
      pathParameters: { session_id: contextOf(second.access_token).sid as string },
    });
    expect(deleted.status).toBe(204);

    const wrongCurrent = await ask('ChangePassword', {
      authorizer: caller,
      body: { current_password: 'not the passphrase', new_password: 'a long second passphrase' },
    });
    expect(wrongCurrent.status).toBe(401);
    const changed = await ask('ChangePassword', {
      authorizer: caller,
      body: { current_password: password, new_password: 'a long second passphrase' },
    });
    expect(changed.status).toBe(204);

    const enrolment = await ask('MfaTotpBegin', {
      authorizer: caller,
      body: { current_password: 'a long second passphrase' },
    });
    expect(enrolment.status).toBe(200);
    const secret = Secret.fromBase32((enrolment.json as { secret: string }).secret).bytes;
    const confirmed = await ask('MfaTotpConfirm', {
      authorizer: caller,
      body: { code: totpCode(secret, timeStep(new Date())) },
    });
    expect(confirmed.status).toBe(200);
    const [recoveryCode, loginCode, stepUpCode] = (confirmed.json as { recovery_codes: string[] })
      .recovery_codes;
    const challenged = await ask('Login', {
      body: { username: 'alice', password: 'a long second passphrase' },
    });
    expect(challenged.status).toBe(403);
    const verified = await ask('MfaVerify', {
      body: { mfa_token: (challenged.json as { mfa_token: string }).mfa_token, code: loginCode },
    });
    expect(verified.status).toBe(200);
    const steppedUp = await ask('MfaStepUp', {
      authorizer: contextOf((verified.json as { access_token: string }).access_token),
      body: { code: stepUpCode },
    });
    expect(steppedUp.status).toBe(200);
    const removed = await ask('MfaTotpRemove', {
      method: 'DELETE',
      authorizer: caller,
      body: { current_password: 'a long second passphrase', code: recoveryCode },
    });
    expect(removed.status).toBe(204);

    expect(
      (await ask('EmailVerify', { body: { token: tokenSentTo('a@example.com') } })).status,
    ).toBe(204);
    const moved = await ask('EmailChange', {
      authorizer: caller,
      body: { email: 'alice@example.org', current_password: 'a long second passphrase' },
    });
    expect(moved.status).toBe(202);
    const verifyNew = { body: { token: tokenSentTo('alice@example.org') } };
    expect((await ask('EmailVerify', verifyNew)).status).toBe(204);

    expect(
      (await ask('OAuthIntrospect', form({ token: current.access_token }))).json,
    ).toMatchObject({ active: true });
    expect((await ask('OAuthRevoke', form({ token: current.refresh_token }))).status).toBe(200);

    const third = await logIn('a long second passphrase');
    const loggedOut = await ask('Logout', {
      headers: { Authorization: `Bearer ${third.access_token}` },
      body: { refresh_token: third.refresh_token },
    });
    expect(loggedOut.status).toBe(204);
    const fourth = await logIn('a long second passphrase');
    const all = await ask('LogoutAll', { authorizer: contextOf(fourth.access_token) });
    expect(all.status).toBe(204);

    expect((await ask('PasswordForgot', { body: { email: 'alice@example.org' } })).status).toBe(
      202,
    );
    const reset = await ask('PasswordReset', {
      body: {
        token: tokenSentTo('alice@example.org', 'Reset your password'),
        new_password: 'a long third passphrase',
      },
    });
    expect(reset.status).toBe(204);

    expect((await ask('Jwks', { method: 'GET' })).status).toBe(200);
    expect((await ask('OAuthMetadata', { method: 'GET' })).status).toBe(200);

    // Every route was asked, and each sent only what its function is granted.
    expect([...used.keys()].sort()).toEqual(ROUTES.map((route) => route.id).sort());
    for (const route of ROUTES) {
      const granted = Object.entries(route.tables).flatMap(([table, actions]) =>
        (actions ?? []).map((action) => `${table}:${action}`),
      );
      expect({ route: route.id, sent: [...(used.get(route.id) ?? [])].sort() }).toEqual({
        route: route.id,
        sent: [...(used.get(route.id) ?? [])].filter((entry) => granted.includes(entry)).sort(),
      });
    }
  });
});
