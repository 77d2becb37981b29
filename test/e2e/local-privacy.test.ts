/**
 * End to end: what `npm start` stores is its user's alone. Its embedded
 * engine listens on 127.0.0.1, where every local user can connect; a client
 * that does not hold the per-start credential (another user cannot read the
 * 0600 endpoint file in the 0700 data folder) can neither read the password
 * hashes nor delete a revocation to bring a logged-out token back.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { ENDPOINT_FILE, readServerEndpoint } from '../../local/server-endpoint';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { apiClient, expectInvalidToken } from './client';

let running: ServerProcess | undefined;
const clients: DynamoDBClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await running?.stop('SIGKILL');
  running = undefined;
});

function dynamo(endpoint: string, accessKeyId: string, secretAccessKey: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

describe('npm start keeps its data private', () => {
  it('refuses every request to its engine not signed with the credential of its 0600 endpoint file', async () => {
    running = await startServerProcess();
    const api = apiClient(running.url);
    const user = await api.register();
    const tokens = await api.login(user);
    expect((await api.call('POST', '/auth/logout', { token: tokens.access_token })).status).toBe(
      204,
    );
    const server = await readServerEndpoint(running.dataDir);
    expect(server?.credential).toBeDefined();
    expect((await stat(join(running.dataDir, ENDPOINT_FILE))).mode & 0o777).toBe(0o600);
    const { endpoint, tables, credential } = server as NonNullable<typeof server>;

    // Another local user: the endpoint is easy to find (a port scan), the credential is not.
    const stranger = dynamo(endpoint, 'local', 'local');
    await expect(stranger.send(new ScanCommand({ TableName: tables.users }))).rejects.toMatchObject(
      { $metadata: expect.objectContaining({ httpStatusCode: 403 }) },
    );
    const owner = dynamo(
      endpoint,
      credential?.accessKeyId ?? '',
      credential?.secretAccessKey ?? '',
    );
    const revoked: ScanCommandOutput = await owner.send(
      new ScanCommand({ TableName: tables.revokedTokens }),
    );
    expect(revoked.Items?.length).toBeGreaterThan(0);
    for (const item of revoked.Items ?? []) {
      await expect(
        stranger.send(
          new DeleteItemCommand({
            TableName: tables.revokedTokens,
            Key: { jti: item.jti as never },
          }),
        ),
      ).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 403 }) });
    }

    // The logout still holds.
    expectInvalidToken(await api.me(tokens.access_token));
    // The owner's own tools (the admin CLI) sign with the file's credential and are served.
    const users = await owner.send(new ScanCommand({ TableName: tables.users }));
    expect(users.Items?.map((item) => item.username?.S)).toContain(user.username);
  });
});
