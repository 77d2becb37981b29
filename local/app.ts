/**
 * Local mode assembled: the database, the handlers' environment, the emulated
 * API Gateway and the HTTP server on loopback. `server.ts` runs it; tests may
 * start it in-process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Env, readCorsOrigins } from '../lambdas/config';
import { LOCAL_HOST, type LocalConfig, MAX_BODY_BYTES } from './config';
import { createMissingTables, openDatabase } from './database';
import { withDemoPage } from './demo';
import { createGateway } from './gateway';
import { handlerEnvironment, tableNames } from './handler-env';
import { createRequestListener } from './http-adapter';

export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The DynamoDB endpoint the handlers use. */
  dynamodbEndpoint: string;
  /** Whether the embedded engine runs in this process. */
  embedded: boolean;
  /** Stops accepting requests, lets those in flight finish, then closes the database. */
  close(): Promise<void>;
}

/**
 * Starts local mode. Sets the handlers' variables in `env` (normally
 * `process.env`) before any handler loads, as Lambda does before a cold start.
 */
export async function startServer(
  config: LocalConfig,
  env: Env = process.env,
): Promise<RunningServer> {
  const tables = tableNames(env);
  const database = await openDatabase({
    dataDir: config.dataDir,
    ...(config.dynamodbEndpoint ? { dynamodbEndpoint: config.dynamodbEndpoint } : {}),
  });
  Object.assign(
    env,
    handlerEnvironment({ env, dataDir: config.dataDir, endpoint: database.endpoint, tables }),
  );
  try {
    await createMissingTables(database.endpoint, tables);
  } catch (error) {
    await database.close();
    throw error;
  }

  const server = createServer(
    withDemoPage(
      createRequestListener(createGateway({ corsOrigins: readCorsOrigins(env) }), {
        maxBodyBytes: MAX_BODY_BYTES,
      }),
    ),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, LOCAL_HOST, () => resolve());
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${LOCAL_HOST}:${port}`,
    dynamodbEndpoint: database.endpoint,
    embedded: database.embedded,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold close() open; those idle go now.
        server.closeIdleConnections();
      });
      await database.close();
    },
  };
}
