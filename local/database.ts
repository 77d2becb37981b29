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
  /** Tables this start created. */
  created: string[];
  close(): Promise<void>;
}

/** The embedded engine checks no credentials, but the SDK insists on having some. */
export const EMBEDDED_CREDENTIALS = {
  region: 'us-east-1',
  accessKeyId: 'local',
  secretAccessKey: 'local',
} as const;

export async function openDatabase(options: {
  dataDir: string;
  dynamodbEndpoint?: string;
  tables: TableNames;
}): Promise<LocalDatabase> {
  const engine = options.dynamodbEndpoint
    ? undefined
    : await startEmbeddedDynamo({ path: join(options.dataDir, 'dynamodb') });
  const endpoint = engine?.endpoint ?? (options.dynamodbEndpoint as string);
  // An external endpoint gets the usual credential chain (it may be a real region).
  const client = new DynamoDBClient(
    engine
      ? {
          endpoint,
          region: EMBEDDED_CREDENTIALS.region,
          credentials: {
            accessKeyId: EMBEDDED_CREDENTIALS.accessKeyId,
            secretAccessKey: EMBEDDED_CREDENTIALS.secretAccessKey,
          },
        }
      : { endpoint },
  );
  try {
    const created = await ensureTables(client, options.tables);
    return {
      endpoint,
      embedded: engine !== undefined,
      created,
      close: async () => engine?.close(),
    };
  } catch (error) {
    await engine?.close();
    throw error;
  } finally {
    client.destroy();
  }
}
