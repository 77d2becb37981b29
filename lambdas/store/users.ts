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
import { conditionalWrite, storeCall } from './dynamo';

const KEY = TABLES.users.partitionKey.name;

export function createUserStore(client: DynamoDBDocumentClient, tableName: string): UserStore {
  return {
    async create(user) {
      const created = await conditionalWrite('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: user,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': KEY },
          }),
        ),
      );
      if (!created) throw new UsernameTakenError();
    },

    async find(username) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({ TableName: tableName, Key: { [KEY]: username }, ConsistentRead: true }),
        ),
      );
      return Item as UserRecord | undefined;
    },

    changePassword({ username, userId, previousHash, passwordHash }) {
      return conditionalWrite('UpdateItem', () =>
        client.send(
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
        ),
      );
    },
  };
}
