/**
 * The whole API in the test process, without HTTP: an in-memory embedded
 * DynamoDB with the project's tables, the handler modules wired from
 * environment variables as in AWS, and the emulated API Gateway in front.
 * Jest gives each test file its own module registry, so one harness per file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV, type Env } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';
import { startEmbeddedDynamo } from '../../local/embedded-dynamo';
import { createGateway, type Gateway, type GatewayOptions } from '../../local/gateway';
import { DUMMY_AWS_ENV } from '../../local/handler-env';
import { ensureTables, LOCAL_TABLE_NAMES } from '../../local/tables';

export interface LocalApiResponse {
  status: number;
  /** Header names lower-cased, as `fetch` shows them. */
  headers: Record<string, string>;
  /** The parsed JSON body; `undefined` for an empty body. */
  json: unknown;
}

export interface LocalApiRequestOptions {
  /** JSON-encoded for you; pass a string to send it as is (malformed JSON). */
  body?: unknown;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface LocalApi {
  gateway: Gateway;
  /** The embedded DynamoDB endpoint, for tests that inspect the tables. */
  endpoint: string;
  request(
    method: string,
    path: string,
    options?: LocalApiRequestOptions,
  ): Promise<LocalApiResponse>;
  close(): Promise<void>;
}

function setEnv(values: Env): Env {
  const previous: Env = {};
  for (const [name, value] of Object.entries(values)) {
    previous[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return previous;
}

function parseBody(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Starts the harness; `overrides` are extra environment variables for the
 * handlers, `gatewayOptions` options of the emulated gateway.
 */
export async function startLocalApi(
  overrides: Env = {},
  gatewayOptions: GatewayOptions = {},
): Promise<LocalApi> {
  const engine = await startEmbeddedDynamo();
  const keyDir = await mkdtemp(join(tmpdir(), 'jwt-auth-local-api-'));
  const unsetDummies = Object.fromEntries(
    Object.entries(DUMMY_AWS_ENV).filter(([name]) => !process.env[name]),
  );
  const previous = setEnv({
    ...unsetDummies,
    ...tableEnvironment(LOCAL_TABLE_NAMES),
    [ENV.dynamodbEndpoint]: engine.endpoint,
    [ENV.localKeyDir]: keyDir,
    ...overrides,
  });
  const client = new DynamoDBClient({ endpoint: engine.endpoint });
  try {
    await ensureTables(client);
  } finally {
    client.destroy();
  }
  const gateway = createGateway(gatewayOptions);

  return {
    gateway,
    endpoint: engine.endpoint,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
      if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
      const body =
        options.body === undefined || typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
      const response = await gateway.handle({
        method,
        path,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      return {
        status: response.status,
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), value]),
        ),
        json: parseBody(response.body),
      };
    },
    async close() {
      await engine.close();
      await rm(keyDir, { recursive: true, force: true });
      setEnv(previous);
    },
  };
}
