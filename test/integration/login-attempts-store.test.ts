/**
 * The LoginAttempts store on the embedded engine: concurrent failures are
 * each counted exactly once (one atomic ADD per failure, no transactions), an
 * item past its TTL counts as gone, a success deletes the item, and the TTL
 * attribute is an epoch-seconds Number.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { epochSeconds } from '../../lambdas/clock';
import { UnavailableError } from '../../lambdas/errors';
import { createDocumentClient } from '../../lambdas/store/dynamo';
import { createLoginAttemptStore } from '../../lambdas/store/login-attempts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';
import { manualClock } from '../support/fakes';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const START = new Date('2026-01-01T00:00:00Z');
const DAY = 24 * 60 * 60;

describe('LoginAttempts store on the embedded engine', () => {
  const clock = manualClock(START);
  const store = () => createLoginAttemptStore(dynamo.documents, dynamo.tables.loginAttempts, clock);
  const times = () => ({ now: clock().getTime(), expiresAt: epochSeconds(clock()) + DAY });

  it('has no record for a name that never failed', async () => {
    await expect(store().get('nobody')).resolves.toBeUndefined();
  });

  it('counts 20 concurrent failures exactly: every count from 1 to 20 once, 20 stored', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store().recordFailure('alice', times())),
    );

    expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await expect(store().get('alice')).resolves.toEqual({
      failures: 20,
      lastFailureAt: START.getTime(),
    });
  });

  it('stores the TTL as an epoch-seconds Number under the table’s TTL attribute', async () => {
    await store().recordFailure('bob', times());

    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tables.loginAttempts,
        Key: { username: { S: 'bob' } },
        ConsistentRead: true,
      }),
    );
    expect(Item).toEqual({
      username: { S: 'bob' },
      failures: { N: '1' },
      lastFailureAt: { N: String(START.getTime()) },
      expiresAt: { N: String(epochSeconds(START) + DAY) },
    });
  });

  it('forgets a name at reset, and a reset of a name without failures is fine', async () => {
    await store().recordFailure('carol', times());
    await store().reset('carol');
    await store().reset('carol');

    await expect(store().get('carol')).resolves.toBeUndefined();
    await expect(store().recordFailure('carol', times())).resolves.toMatchObject({ failures: 1 });
  });

  it('treats an item past its TTL as gone and restarts its count, exactly, under concurrency', async () => {
    // An item TTL has not deleted yet (DynamoDB deletes late), 40 failures old.
    await dynamo.client.send(
      new PutItemCommand({
        TableName: dynamo.tables.loginAttempts,
        Item: {
          username: { S: 'dave' },
          failures: { N: '40' },
          lastFailureAt: { N: String(START.getTime() - 2 * DAY * 1000) },
          expiresAt: { N: String(epochSeconds(START) - DAY) },
        },
      }),
    );
    await expect(store().get('dave')).resolves.toBeUndefined();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => store().recordFailure('dave', times())),
    );

    expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    await expect(store().get('dave')).resolves.toMatchObject({ failures: 10 });
  });

  it('fails closed with UnavailableError when the engine cannot be reached', async () => {
    const unreachable = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });
    const broken = createLoginAttemptStore(unreachable, dynamo.tables.loginAttempts, clock);
    try {
      await expect(broken.get('alice')).rejects.toBeInstanceOf(UnavailableError);
      await expect(broken.recordFailure('alice', times())).rejects.toBeInstanceOf(UnavailableError);
      await expect(broken.reset('alice')).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      unreachable.destroy();
    }
  });
});
