/**
 * The database of `npm start`: the embedded engine persisted under
 * `DATA_DIR/dynamodb`, or an external DynamoDB-compatible endpoint; either way
 * with the shared tables created when missing.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientDefaults } from '../lambdas/aws-clients';
import { DATABASE_FOLDER } from './data-dir';
import { startEmbeddedDynamo } from './embedded-dynamo';
import { DUMMY_AWS_ENV } from './handler-env';
import { type LocalCredential, newLocalCredential } from './request-signature';
import { StartupError } from './startup-error';
import { ensureTables, type TableNames } from './tables';

export interface LocalDatabase {
  endpoint: string;
  /**
   * What requests to the embedded engine must be signed with: random for
   * each start. Absent for an external endpoint (its own credentials apply).
   */
  credential?: LocalCredential;
  /** True when this process runs the engine (and so must close it). */
  embedded: boolean;
  /** Closes the embedded engine; nothing to do for an external endpoint. */
  close(): Promise<void>;
}

/** Starts the embedded engine under `dataDir`, unless an external endpoint is given. */
export async function openDatabase(options: {
  dataDir: string;
  dynamodbEndpoint?: string;
}): Promise<LocalDatabase> {
  if (options.dynamodbEndpoint) {
    return { endpoint: options.dynamodbEndpoint, embedded: false, close: async () => undefined };
  }
  const credential = newLocalCredential();
  const engine = await startEmbeddedDynamo({
    path: join(options.dataDir, DATABASE_FOLDER),
    credential,
  });
  return { endpoint: engine.endpoint, credential, embedded: true, close: () => engine.close() };
}

/** True when the SDK got no HTTP answer at all (refused, reset, timed out, unknown host). */
function gotNoAnswer(error: unknown): boolean {
  return (
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined
  );
}

/**
 * Creates the missing tables at `endpoint`; returns the names of those it
 * created. Credentials and region come from the environment, as for the
 * handlers, and so do the timeouts: an endpoint that does not answer fails
 * within seconds with a {@link StartupError} (an external one) instead of
 * hanging the start.
 */
export async function createMissingTables(
  endpoint: string,
  tables: TableNames,
  options: { external?: boolean; credential?: LocalCredential } = {},
): Promise<string[]> {
  const client = new DynamoDBClient({
    endpoint,
    ...awsClientDefaults(),
    ...(options.credential
      ? { credentials: options.credential, region: DUMMY_AWS_ENV.AWS_REGION }
      : {}),
  });
  try {
    return await ensureTables(client, tables);
  } catch (error) {
    if (!options.external) throw error;
    if (gotNoAnswer(error)) {
      throw new StartupError(
        `DynamoDB at ${endpoint} does not answer; start it, or unset DYNAMODB_ENDPOINT to use the embedded database.`,
        { cause: error },
      );
    }
    throw new StartupError(
      `DynamoDB at ${endpoint} refused to set up the tables (${error instanceof Error ? error.name : String(error)}); check DYNAMODB_ENDPOINT and the AWS credentials.`,
      { cause: error },
    );
  } finally {
    client.destroy();
  }
}
