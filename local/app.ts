/**
 * Local mode assembled: the database, the handlers' environment, the emulated
 * API Gateway and the HTTP server on loopback. `server.ts` runs it; tests may
 * start it in-process.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENV, type Env } from '../lambdas/config';
import { answerClientErrors } from './client-errors';
import { LOCAL_HOST, type LocalConfig, MAX_BODY_BYTES } from './config';
import { prepareDataDir } from './data-dir';
import type { LocalDatabase } from './database';
import { withDemoPage } from './demo';
import { handlerEnvironment, localOutboxDir, tableNames } from './handler-env';
import { rememberIssuer } from './issuers';
import { withOpenApi } from './openapi';
import { withOutboxRoute } from './outbox-route';
import { publishServerEndpoint } from './server-endpoint';
import { StartupError } from './startup-error';

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

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'EADDRINUSE') {
        reject(new StartupError(`Port ${port} is in use; set PORT to another port.`));
      } else if (code === 'EACCES') {
        reject(new StartupError(`Port ${port} needs privileges; set PORT to a port above 1023.`));
      } else {
        reject(error);
      }
    });
    server.listen(port, LOCAL_HOST, () => resolve());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections would hold close() open; those idle go now.
    server.closeIdleConnections();
  });
}

/**
 * Starts local mode. Sets the handlers' variables in `env` (normally
 * `process.env`) before any handler loads, as Lambda does before a cold start.
 *
 * The order makes every start-up failure early and explicit, before anything
 * is opened that a failure could damage: the data folder (writable, private,
 * not in use by another `npm start`), then the port (taken now, answered once
 * ready), then the database, whose endpoint must answer.
 */
export async function startServer(
  config: LocalConfig,
  env: Env = process.env,
): Promise<RunningServer> {
  const tables = tableNames(env);
  const embedded = !config.dynamodbEndpoint;
  const lock = await prepareDataDir(config.dataDir, {
    lock: embedded,
    ...(config.signingKeyFiles ? { keyFiles: config.signingKeyFiles } : {}),
  });

  let listener: RequestListener | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  // A request that arrives while the database opens waits; none reaches a handler before its environment is set.
  const server = answerClientErrors(
    createServer((request, response) => {
      ready.then(() => listener?.(request, response));
    }),
  );

  let database: LocalDatabase | undefined;
  let unpublish: (() => Promise<void>) | undefined;
  try {
    await listen(server, config.port);
    // Loaded only now (the AWS SDK takes a while): a start that fails above fails at once.
    const [{ createMissingTables, openDatabase }, { createGateway }, { createRequestListener }] =
      await Promise.all([import('./database'), import('./gateway'), import('./http-adapter')]);
    const api = withOpenApi(
      withDemoPage(
        createRequestListener(
          createGateway({
            corsOrigins: config.corsOrigins,
            introspectionSecret: config.introspectionSecret,
          }),
          {
            maxBodyBytes: MAX_BODY_BYTES,
          },
        ),
      ),
    );
    // The outbox route exists only when its secret is set (outbox-route.ts).
    listener = config.outboxSecret
      ? withOutboxRoute(api, { dir: localOutboxDir(config.dataDir), secret: config.outboxSecret })
      : api;
    database = await openDatabase({
      dataDir: config.dataDir,
      ...(config.dynamodbEndpoint ? { dynamodbEndpoint: config.dynamodbEndpoint } : {}),
    });
    const baseUrl = `http://${LOCAL_HOST}:${(server.address() as AddressInfo).port}`;
    const issuer = env[ENV.issuer]?.trim() || baseUrl;
    Object.assign(
      env,
      handlerEnvironment({
        env,
        dataDir: config.dataDir,
        endpoint: database.endpoint,
        ...(database.credential ? { credential: database.credential } : {}),
        tables,
        baseUrl,
        earlierIssuers: await rememberIssuer(config.dataDir, issuer),
      }),
    );
    if (config.signingKeyFiles) {
      // A key set, as the stack hands it over: LOCAL_SIGNING_KEYS (docs/local-mode.md).
      const { localKeySetEnvironment } = await import('./signing-keys');
      Object.assign(env, await localKeySetEnvironment(config.dataDir, config.signingKeyFiles));
    }
    await createMissingTables(database.endpoint, tables, {
      external: !embedded,
      ...(database.credential ? { credential: database.credential } : {}),
    });
    // The admin CLI reaches the database through this server while it runs, signing with its credential.
    unpublish = await publishServerEndpoint(config.dataDir, {
      endpoint: database.endpoint,
      ...(database.credential ? { credential: database.credential } : {}),
      tables,
    });
  } catch (error) {
    // Requests that came in meanwhile are waiting for a start that will not happen.
    server.closeAllConnections();
    await closeServer(server).catch(() => undefined);
    await database?.close().catch(() => undefined);
    await lock?.release();
    throw error;
  }
  markReady();
  const { port } = server.address() as AddressInfo;
  const opened = database;

  return {
    url: `http://${LOCAL_HOST}:${port}`,
    dynamodbEndpoint: opened.endpoint,
    embedded: opened.embedded,
    async close() {
      await unpublish?.().catch(() => undefined);
      await closeServer(server);
      await opened.close();
      await lock?.release();
    },
  };
}
