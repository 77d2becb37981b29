/**
 * End to end: with DYNAMODB_ENDPOINT set, `npm start` creates the missing
 * tables at that endpoint and keeps its data there, not in DATA_DIR. The
 * "external" engine is another in-memory dynalite on loopback.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../local/embedded-dynamo';
import { LOCAL_TABLE_NAMES } from '../../local/tables';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { apiClient } from './client';

let external: EmbeddedDynamo;
let client: DynamoDBClient;
let server: ServerProcess;

beforeAll(async () => {
  external = await startEmbeddedDynamo();
  client = new DynamoDBClient({
    endpoint: external.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  server = await startServerProcess({ env: { DYNAMODB_ENDPOINT: external.endpoint } });
});

afterAll(async () => {
  await server?.stop();
  client?.destroy();
  await external?.close();
});

describe('npm start with DYNAMODB_ENDPOINT', () => {
  it('creates the missing tables at the endpoint and no embedded database in DATA_DIR', async () => {
    const { TableNames } = await client.send(new ListTablesCommand({}));

    expect(TableNames).toEqual(expect.arrayContaining(Object.values(LOCAL_TABLE_NAMES)));
    expect(existsSync(join(server.dataDir, 'dynamodb'))).toBe(false);
  });

  it('stores registered users at the endpoint', async () => {
    const user = await apiClient(server.url).register();

    const { Item } = await client.send(
      new GetItemCommand({
        TableName: LOCAL_TABLE_NAMES.users,
        Key: { username: { S: user.username } },
      }),
    );

    expect(Item).toBeDefined();
  });
});
