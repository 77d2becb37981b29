/**
 * The `LoginAttempts` table: one item per normalised username with recent
 * failed logins, `{username, failures, lastFailureAt, expiresAt}`. A failure
 * is one `UpdateItem` with `ADD failures :one`, which DynamoDB applies
 * atomically and which creates the item if needed, so concurrent failures are
 * each counted exactly once without transactions. TTL deletes an item late
 * (days): one past its `expiresAt` is treated as gone, and a failure on it
 * starts the count again with a conditional write.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LoginAttemptStore, LoginAttempts, LoginAttemptTimes } from '../auth/ports';
import { type Clock, epochSeconds, systemClock } from '../clock';
import { TABLES } from '../contract/tables';
import { isConditionFailed, storeCall, storeError } from './dynamo';

const KEY = TABLES.loginAttempts.partitionKey.name;
const TTL = TABLES.loginAttempts.ttlAttribute;

/**
 * Rounds of "add to a live count" then "restart an expired one" before giving
 * up: each round fails only if another writer changed the item in between,
 * which a second round settles.
 */
const MAX_ROUNDS = 3;

interface LoginAttemptItem extends LoginAttempts {
  username: string;
  expiresAt: number;
}

function toAttempts(item: Record<string, unknown>): LoginAttempts {
  const { failures, lastFailureAt } = item as unknown as LoginAttemptItem;
  return { failures: Number(failures) || 0, lastFailureAt: Number(lastFailureAt) || 0 };
}

export function createLoginAttemptStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock = systemClock,
): LoginAttemptStore {
  /** One conditional update; `undefined` when its condition did not hold. */
  async function update(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>,
  ): Promise<LoginAttempts | undefined> {
    try {
      const { Attributes } = await client.send(
        new UpdateCommand({ TableName: tableName, ReturnValues: 'ALL_NEW', ...input }),
      );
      return Attributes ? toAttempts(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw storeError('UpdateItem', error);
    }
  }

  return {
    async get(username) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({ TableName: tableName, Key: { [KEY]: username }, ConsistentRead: true }),
        ),
      );
      if (!Item || Number(Item[TTL]) <= epochSeconds(clock())) return undefined;
      return toAttempts(Item);
    },

    async recordFailure(username: string, { now, expiresAt }: LoginAttemptTimes) {
      const values = {
        ':now': now,
        ':expiresAt': expiresAt,
        ':nowSeconds': Math.floor(now / 1000),
      };
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        // A live count (or none yet): add one. ADD creates the item when it is missing.
        const added = await update({
          Key: { [KEY]: username },
          UpdateExpression: 'ADD failures :one SET lastFailureAt = :now, #ttl = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#ttl) OR #ttl > :nowSeconds',
          ExpressionAttributeNames: { '#ttl': TTL },
          ExpressionAttributeValues: { ...values, ':one': 1 },
        });
        if (added) return added;
        // The item outlived its TTL (DynamoDB deletes late): this failure is the first of a new count.
        const restarted = await update({
          Key: { [KEY]: username },
          UpdateExpression: 'SET failures = :one, lastFailureAt = :now, #ttl = :expiresAt',
          ConditionExpression: '#ttl <= :nowSeconds',
          ExpressionAttributeNames: { '#ttl': TTL },
          ExpressionAttributeValues: { ...values, ':one': 1 },
        });
        if (restarted) return restarted;
      }
      throw storeError('UpdateItem', new Error('login attempt count kept changing'));
    },

    async reset(username) {
      await storeCall('DeleteItem', () =>
        client.send(new DeleteCommand({ TableName: tableName, Key: { [KEY]: username } })),
      );
    },
  };
}
