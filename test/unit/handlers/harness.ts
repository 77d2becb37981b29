/**
 * Shared setup of the handler unit tests: the handler module is loaded as in
 * AWS (environment variables, `createRuntime()` at load) with a real local
 * signing key in a temporary folder, while `aws-sdk-client-mock` stands in for
 * DynamoDB. Events are REST proxy events as API Gateway sends them.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { createPasswordHasher, OWASP_SCRYPT } from '../../../lambdas/auth/passwords';
import type { SessionRecord } from '../../../lambdas/auth/ports';
import { ENV } from '../../../lambdas/config';
import { ROUTES, type TableAction } from '../../../lambdas/contract/routes';
import type { TableName } from '../../../lambdas/contract/tables';
import { tableEnvironment } from '../../../lambdas/contract/tables';
import { createLocalSigner } from '../../../lambdas/signing/local-signer';
import { createTokenIssuer } from '../../../lambdas/tokens/issue';
import { TEST_SETTINGS } from '../../support/keys';

export const TABLE_NAMES: Record<TableName, string> = {
  users: 'test-users',
  sessions: 'test-sessions',
  revokedTokens: 'test-revoked-tokens',
  loginAttempts: 'test-login-attempts',
};

/** scrypt at N=2^10 keeps these tests fast; production parameters are tested in passwords.test. */
export const CHEAP_SCRYPT_LOG2_N = '10';

/** Sets the handler environment; returns the signing key folder the handler will use. */
export async function handlerEnvironment(extra: Record<string, string> = {}): Promise<string> {
  const keyDir = await mkdtemp(join(tmpdir(), 'jwt-auth-handler-'));
  Object.assign(process.env, {
    ...tableEnvironment(TABLE_NAMES),
    [ENV.localKeyDir]: keyDir,
    // Never contacted: every DynamoDB call is mocked.
    [ENV.dynamodbEndpoint]: 'http://127.0.0.1:9',
    [ENV.issuer]: TEST_SETTINGS.issuer,
    [ENV.audience]: TEST_SETTINGS.audience,
    [ENV.passwordHashCost]: CHEAP_SCRYPT_LOG2_N,
    ...extra,
  });
  return keyDir;
}

export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/**
 * A cold start of the named handler modules (`lambdas/handlers/<name>.ts`):
 * sets the environment first, then loads them; their logs are silenced (call
 * `jest.restoreAllMocks()` after the file). Returns the signing key folder.
 */
export async function loadHandlers<const N extends string>(
  ...names: N[]
): Promise<{ keyDir: string; handlers: Record<N, ProxyHandler> }> {
  const keyDir = await handlerEnvironment();
  const handlers = {} as Record<N, ProxyHandler>;
  for (const name of names) {
    ({ handler: handlers[name] } = await import(`../../../lambdas/handlers/${name}`));
  }
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  return { keyDir, handlers };
}

/** A hasher with the parameters the handlers use under {@link handlerEnvironment}. */
export function cheapHasher() {
  return createPasswordHasher({ ...OWASP_SCRYPT, N: 2 ** Number(CHEAP_SCRYPT_LOG2_N) });
}

export const lambdaContext = { awsRequestId: 'test-request' } as Context;

export interface EventOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  authorizer?: Record<string, string>;
  pathParameters?: Record<string, string>;
  sourceIp?: string;
  userAgent?: string;
}

/** A REST proxy event; an object body is JSON-encoded with its content type. */
export function proxyEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | null = null;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return {
    body,
    headers,
    multiValueHeaders: {},
    httpMethod: options.method ?? 'POST',
    isBase64Encoded: false,
    path: '/',
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/',
    requestContext: {
      authorizer: options.authorizer ?? null,
      identity: {
        sourceIp: options.sourceIp ?? '203.0.113.7',
        userAgent: options.userAgent ?? 'jest-agent/1.0',
      },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** Calls the handler and parses its JSON body. */
export async function call(handler: ProxyHandler, event: APIGatewayProxyEvent) {
  const response = await handler(event, lambdaContext);
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: response.body,
    json: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined,
  };
}

/** A DynamoDB failure as the SDK reports it. */
export function networkError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'TimeoutError' });
}

export function conditionFailed(): Error {
  return Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });
}

/** Issues real tokens with the handler's own key, for a given session. */
export async function issueTokens(
  keyDir: string,
  subject: { sub: string; sid: string; username: string; sessionExpiresAt?: number },
  clock?: () => Date,
) {
  const issuer = createTokenIssuer({
    signer: createLocalSigner(keyDir),
    settings: TEST_SETTINGS,
    ...(clock ? { clock } : {}),
  });
  return issuer.issuePair({
    ...subject,
    sessionExpiresAt: subject.sessionExpiresAt ?? issuer.sessionExpiresAt(),
  });
}

/** A Sessions item holding the pair. */
export function sessionItem(
  pair: Awaited<ReturnType<typeof issueTokens>>,
  overrides: Partial<SessionRecord> = {},
): SessionRecord {
  const { access, refresh } = pair;
  return {
    userId: access.claims.sub,
    sessionId: access.claims.sid,
    username: access.claims.username,
    accessJti: access.claims.jti,
    accessExp: access.claims.exp,
    refreshJti: refresh.claims.jti,
    refreshExp: refresh.claims.exp,
    createdAt: new Date(access.claims.iat * 1000).toISOString(),
    expiresAt: refresh.claims.exp,
    ip: '198.51.100.1',
    userAgent: 'old-agent',
    ...overrides,
  };
}

/** The authorizer context API Gateway passes on: every value a string. */
export function authorizerContext(pair: Awaited<ReturnType<typeof issueTokens>>) {
  const { sub, sid, jti, username, exp } = pair.access.claims;
  return { sub, sid, jti, username, exp: String(exp), principalId: sub };
}

const ACTIONS = new Map<unknown, TableAction>([
  [GetCommand, 'GetItem'],
  [GetItemCommand, 'GetItem'],
  [PutCommand, 'PutItem'],
  [UpdateCommand, 'UpdateItem'],
  [DeleteCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
]);

/** Every DynamoDB action the handler called must be granted to its route in routes.ts. */
export function expectOnlyGrantedActions(
  ddb: AwsClientStub<DynamoDBDocumentClient>,
  routeId: string,
): void {
  const route = ROUTES.find((candidate) => candidate.id === routeId);
  if (!route) throw new Error(`No route ${routeId}`);
  for (const call of ddb.calls()) {
    const command = call.args[0] as { constructor: unknown; input: { TableName?: string } };
    const action = ACTIONS.get(command.constructor);
    const table = (Object.keys(TABLE_NAMES) as TableName[]).find(
      (name) => TABLE_NAMES[name] === command.input.TableName,
    );
    expect({ table, action }).toEqual({ table: expect.any(String), action: expect.any(String) });
    expect(route.tables[table as TableName] ?? []).toContain(action);
  }
}

/** The items written to a table with PutCommand, in order. */
export function putItems(
  ddb: AwsClientStub<DynamoDBDocumentClient>,
  table: TableName,
): Record<string, unknown>[] {
  return ddb
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.TableName === TABLE_NAMES[table])
    .map((input) => input.Item as Record<string, unknown>);
}

/**
 * The LoginAttempts table as it is for a name without failures: nothing to
 * read, and a failure stored as the first. `locked` holds a record instead.
 */
export function mockLoginAttempts(
  ddb: AwsClientStub<DynamoDBDocumentClient>,
  locked?: { failures: number; lastFailureAt: number },
): void {
  const table = { TableName: TABLE_NAMES.loginAttempts };
  ddb.on(GetCommand, table).resolves(locked ? { Item: { username: 'x', ...locked } } : {});
  ddb
    .on(UpdateCommand, table)
    .resolves({ Attributes: { failures: (locked?.failures ?? 0) + 1, lastFailureAt: Date.now() } });
  ddb.on(DeleteCommand, table).resolves({});
}
