/**
 * `npm start`: the whole API on http://127.0.0.1:$PORT with an embedded
 * DynamoDB persisted under $DATA_DIR. Ctrl-C (or SIGTERM) closes the HTTP
 * server, then the database, and exits 0.
 */
import { startServer } from './app';
import { readLocalConfig } from './config';

async function main(): Promise<void> {
  const config = readLocalConfig();
  const server = await startServer(config);
  const database = server.embedded
    ? `embedded DynamoDB in ${config.dataDir}`
    : `DynamoDB at ${server.dynamodbEndpoint}`;
  console.log(`serverless-jwt-auth listening on ${server.url} (${database})`);
  console.log(
    `Try: curl -s -X POST ${server.url}/auth/register -H 'Content-Type: application/json' -d '{"username":"alice","password":"correct horse battery"}'`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the HTTP server, then the database`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
