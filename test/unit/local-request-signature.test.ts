/**
 * The embedded engine serves only requests signed with its per-start
 * credential: anyone else on the machine (another user, another program)
 * reaching 127.0.0.1 gets AWS's 403 and reads or changes nothing.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../local/embedded-dynamo';
import { type LocalCredential, newLocalCredential } from '../../local/request-signature';

let engine: EmbeddedDynamo;
const credential = newLocalCredential();
const clients: DynamoDBClient[] = [];

function client(credentials: LocalCredential): DynamoDBClient {
  const created = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  engine = await startEmbeddedDynamo({ credential });
  await client(credential).send(
    new CreateTableCommand({
      TableName: 'Users',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'username', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
    }),
  );
  await client(credential).send(
    new PutItemCommand({
      TableName: 'Users',
      Item: { username: { S: 'alice' }, passwordHash: { S: 'scrypt$secret' } },
    }),
  );
});

afterAll(async () => {
  for (const created of clients) created.destroy();
  await engine.close();
});

const REFUSED = {
  name: 'UnrecognizedClientException',
  $metadata: expect.objectContaining({ httpStatusCode: 403 }),
};

describe('the embedded engine with a per-start credential', () => {
  it('serves a client that signs with the credential', async () => {
    const item = await client(credential).send(
      new GetItemCommand({ TableName: 'Users', Key: { username: { S: 'alice' } } }),
    );

    expect(item.Item?.passwordHash).toEqual({ S: 'scrypt$secret' });
  });

  it.each([
    [
      'the credential anyone could guess before',
      { accessKeyId: 'local', secretAccessKey: 'local' },
    ],
    ['the right access key id with another secret', { ...credential, secretAccessKey: 'guess' }],
    ['another fresh credential', newLocalCredential()],
  ])('refuses a client signing with %s: 403, nothing read', async (_, other) => {
    await expect(
      client(other).send(
        new GetItemCommand({ TableName: 'Users', Key: { username: { S: 'alice' } } }),
      ),
    ).rejects.toMatchObject(REFUSED);
    await expect(client(other).send(new ListTablesCommand({}))).rejects.toMatchObject(REFUSED);
  });

  it('refuses a write from another client and keeps the data', async () => {
    await expect(
      client({ accessKeyId: 'local', secretAccessKey: 'local' }).send(
        new PutItemCommand({ TableName: 'Users', Item: { username: { S: 'alice' } } }),
      ),
    ).rejects.toMatchObject(REFUSED);

    const item = await client(credential).send(
      new GetItemCommand({ TableName: 'Users', Key: { username: { S: 'alice' } } }),
    );
    expect(item.Item?.passwordHash).toEqual({ S: 'scrypt$secret' });
  });

  it('refuses an unsigned request, and a signed one whose body was changed on the way', async () => {
    const unsigned = await fetch(engine.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);

    // Capture a correctly signed request, then send it again with another body.
    const signing = client(credential);
    let captured: { headers: Record<string, string>; body: string } | undefined;
    signing.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; body: string };
        captured = { headers: { ...request.headers }, body: request.body };
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'capture' },
    );
    await signing.send(
      new GetItemCommand({ TableName: 'Users', Key: { username: { S: 'alice' } } }),
    );
    expect(captured).toBeDefined();
    const { host: _host, 'content-length': _length, ...headers } = captured?.headers ?? {};

    const replayed = await fetch(engine.endpoint, {
      method: 'POST',
      headers,
      body: captured?.body,
    });
    const tampered = await fetch(engine.endpoint, {
      method: 'POST',
      headers,
      body: captured?.body.replace('alice', 'bob__'),
    });

    expect(replayed.status).toBe(200);
    expect(tampered.status).toBe(403);
  });
});
