/**
 * The database of `npm start`: the embedded engine persisted under
 * `DATA_DIR/dynamodb`, or an external DynamoDB-compatible endpoint; either way
 * with the shared tables created when missing.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo } from './embedded-dynamo';
import { ensureTables, type TableNames } from './tables';

export interface LocalDatabase {
  endpoint: string;
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
  const engine = await startEmbeddedDynamo({ path: join(options.dataDir, 'dynamodb') });
  return { endpoint: engine.endpoint, embedded: true, close: () => engine.close() };
}

/**
 * Creates the missing tables at `endpoint`; returns the names of those it
 * created. Credentials and region come from the environment, as for the handlers.
 */
export async function createMissingTables(endpoint: string, tables: TableNames): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint });
  try {
    return await ensureTables(client, tables);
  } finally {
    client.destroy();
  }
}
