/**
 * The `MfaChallenges` table (`MfaChallengeStore`): one item per login
 * waiting for its second factor, keyed by the SHA-256 of its `mfa_token`.
 * Each code attempt is one conditional `ADD` (live, under the attempt
 * limit); the successful one deletes the item with a conditional delete, so
 * a token is used once. DynamoDB's TTL deletes late (and the embedded engine
 * never does): every read checks `expiresAt` itself.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MfaChallenge, MfaChallengeStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalCall, conditionalWrite, storeCall } from './dynamo';

const KEY = TABLES.mfaChallenges.partitionKey.name;

export function createMfaChallengeStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): MfaChallengeStore {
  return {
    async create(challenge) {
      // A 256-bit token never repeats; the condition only keeps a retried put from resetting the count.
      await conditionalWrite('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: challenge,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': KEY },
          }),
        ),
      );
    },

    async find(tokenHash, now) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({ TableName: tableName, Key: { [KEY]: tokenHash }, ConsistentRead: true }),
        ),
      );
      const challenge = Item as MfaChallenge | undefined;
      return challenge && challenge.expiresAt > now ? challenge : undefined;
    },

    async countAttempt(tokenHash, now, maxAttempts) {
      const counted = await conditionalCall('UpdateItem', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [KEY]: tokenHash },
            UpdateExpression: 'ADD attempts :one',
            ConditionExpression: 'attribute_exists(#key) AND expiresAt > :now AND attempts < :max',
            ExpressionAttributeNames: { '#key': KEY },
            ExpressionAttributeValues: { ':one': 1, ':now': now, ':max': maxAttempts },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return counted && Number(counted.Attributes?.attempts);
    },

    consume(tokenHash) {
      return conditionalWrite('DeleteItem', () =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { [KEY]: tokenHash },
            ConditionExpression: 'attribute_exists(#key)',
            ExpressionAttributeNames: { '#key': KEY },
          }),
        ),
      );
    },
  };
}
