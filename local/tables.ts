/**
 * Creates the tables of the shared definitions in a DynamoDB-compatible
 * endpoint (the embedded engine, DynamoDB Local, LocalStack, a region) when
 * they are missing. TTL is switched on where the engine supports it; the
 * embedded engine does not, and nothing depends on it.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  LOGICAL_TABLE_NAMES,
  TABLES,
  type TableDefinition,
  type TableName,
  type TableNames,
} from '../lambdas/contract/tables';

export type { TableNames };

/** The physical names used locally: the logical names of the shared definitions. */
export const LOCAL_TABLE_NAMES: TableNames = LOGICAL_TABLE_NAMES;

/** True when the table `name` exists at the client's endpoint. */
export async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function createTable(
  client: DynamoDBClient,
  name: string,
  table: TableDefinition,
): Promise<void> {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  await createTableWith(
    client,
    {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keys.map((key) => ({
        AttributeName: key.name,
        AttributeType: key.type,
      })),
      KeySchema: keys.map((key, index) => ({
        AttributeName: key.name,
        KeyType: index === 0 ? 'HASH' : 'RANGE',
      })),
    },
    table.ttlAttribute,
  );
}

/**
 * Creates a table from a full `CreateTable` input (another definition, such
 * as a synthesized template's, may use it), waits until it exists and
 * switches TTL on where the engine allows. A table created meanwhile is fine.
 */
export async function createTableWith(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
  ttlAttribute?: string,
): Promise<void> {
  const name = input.TableName;
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
  if (ttlAttribute) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        }),
      );
    } catch {
      // Optional locally (dynalite: UnknownOperationException); the stack sets TTL in AWS.
    }
  }
}

/** Creates every missing table; returns the names of those it created. */
export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames = LOCAL_TABLE_NAMES,
): Promise<string[]> {
  const created: string[] = [];
  for (const key of Object.keys(TABLES) as TableName[]) {
    const name = names[key];
    if (await tableExists(client, name)) continue;
    await createTable(client, name, TABLES[key]);
    created.push(name);
  }
  return created;
}
