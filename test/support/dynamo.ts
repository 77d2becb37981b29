/** An embedded DynamoDB (dynalite, in memory, on loopback) with the project's tables. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/store/dynamo';
import { startEmbeddedDynamo } from '../../local/embedded-dynamo';
import { ensureTables, LOCAL_TABLE_NAMES } from '../../local/tables';

export interface TestDynamo {
  endpoint: string;
  /** The low-level client: reads items with their DynamoDB types. */
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  tables: typeof LOCAL_TABLE_NAMES;
  close(): Promise<void>;
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const engine = await startEmbeddedDynamo();
  const client = new DynamoDBClient({ endpoint: engine.endpoint });
  await ensureTables(client);
  const documents = createDocumentClient({ endpoint: engine.endpoint });
  return {
    endpoint: engine.endpoint,
    client,
    documents,
    tables: LOCAL_TABLE_NAMES,
    async close() {
      client.destroy();
      documents.destroy();
      await engine.close();
    },
  };
}
