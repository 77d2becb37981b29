/** An embedded DynamoDB (dynalite, in memory, on loopback) with the project's tables. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientDefaults } from '../../lambdas/aws-clients';
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

/**
 * The project's client settings, with a patient request timeout: these tests
 * are about what the stores write, not about how fast. The 1 s production
 * budget (lambdas/aws-clients.ts) tripped here on a loaded machine, where the
 * in-process engine shares the CPU with parallel test workers, and a store
 * test failed with `unavailable`. The fault tests check the budget itself.
 */
function patientConfig() {
  const defaults = awsClientDefaults();
  return {
    ...defaults,
    requestHandler: { ...defaults.requestHandler, requestTimeout: 15_000, socketTimeout: 15_000 },
  };
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const engine = await startEmbeddedDynamo();
  const client = new DynamoDBClient({ endpoint: engine.endpoint, ...patientConfig() });
  await ensureTables(client);
  const documents = createDocumentClient({ endpoint: engine.endpoint, config: patientConfig() });
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
