/**
 * `npm start`: the whole API on http://127.0.0.1:$PORT with an embedded
 * DynamoDB persisted under $DATA_DIR. Ctrl-C (or SIGTERM) closes the HTTP
 * server, then the database, and exits 0. A start that cannot succeed (see
 * `StartupError`) prints one sentence saying why and exits 1.
 */
import { startServer } from './app';
import { readLocalConfig } from './config';
import { closeOnSignals } from './shutdown';

/**
 * Everything this process creates (the database files LevelDB writes, the
 * signing key, the data folder) is private to its owner: LevelDB takes no
 * file mode, so the process-wide mask is the one place to say it.
 */
process.umask(0o077);

/**
 * The AWS SDK warns at its first client that its releases from 2027 will
 * need Node 22. That says nothing about this server (its Lambdas run Node 24;
 * `engines` documents what local mode needs), so `npm start` opens without it,
 * unless the variable is set either way. It silences that one notice alone:
 * every other warning still prints.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';

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

  closeOnSignals('closing the HTTP server, then the database', () => server.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
