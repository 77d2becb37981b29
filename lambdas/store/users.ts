/**
 * The `Users` table: one item per user, keyed by the normalised username.
 * Uniqueness is a conditional put, so two registrations of one name can never
 * both succeed.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { UserRecord, UserStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { UsernameTakenError } from '../errors';
import { isConditionFailed, storeCall, storeError } from './dynamo';

const KEY = TABLES.users.partitionKey.name;

export function createUserStore(client: DynamoDBDocumentClient, tableName: string): UserStore {
  return {
    async create(user) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: user,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': KEY },
          }),
        );
      } catch (error) {
        if (isConditionFailed(error)) throw new UsernameTakenError();
        throw storeError('PutItem', error);
      }
    },

    async find(username) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({ TableName: tableName, Key: { [KEY]: username }, ConsistentRead: true }),
        ),
      );
      return Item as UserRecord | undefined;
    },

    async changePassword({ username, userId, previousHash, passwordHash }) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [KEY]: username },
            UpdateExpression: 'SET passwordHash = :next',
            ConditionExpression: 'userId = :userId AND passwordHash = :previous',
            ExpressionAttributeValues: {
              ':next': passwordHash,
              ':userId': userId,
              ':previous': previousHash,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw storeError('UpdateItem', error);
      }
    },
  };
}
