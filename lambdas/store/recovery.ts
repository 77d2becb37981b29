/**
 * The `Recovery` table: one item per verified address (`address#<address>`,
 * its owner) and one per outstanding recovery token (`token#<hash>`). Each
 * race-sensitive step is one conditional single-item write: an address has
 * one owner because its item is put only when absent, already the caller's,
 * or still the stale owner's the caller saw.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AddressClaim, RecoveryStore, RecoveryTokenRecord } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalWrite, storeCall } from './dynamo';

const KEY = TABLES.recovery.partitionKey.name;

export const addressKey = (email: string) => `address#${email}`;
export const tokenKey = (tokenHash: string) => `token#${tokenHash}`;

export function createRecoveryStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): RecoveryStore {
  const get = async (key: string) => {
    const { Item } = await storeCall('GetItem', () =>
      client.send(
        new GetCommand({ TableName: tableName, Key: { [KEY]: key }, ConsistentRead: true }),
      ),
    );
    return Item;
  };
  const remove = (key: string, condition?: { userId: string }) =>
    conditionalWrite('DeleteItem', () =>
      client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { [KEY]: key },
          ...(condition
            ? {
                ConditionExpression: 'userId = :userId',
                ExpressionAttributeValues: { ':userId': condition.userId },
              }
            : {}),
        }),
      ),
    );

  return {
    claimAddress(claim, replacing) {
      return conditionalWrite('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { [KEY]: addressKey(claim.email), ...claim },
            ConditionExpression: replacing
              ? 'userId = :stale'
              : 'attribute_not_exists(#key) OR userId = :userId',
            ...(replacing
              ? { ExpressionAttributeValues: { ':stale': replacing } }
              : {
                  ExpressionAttributeNames: { '#key': KEY },
                  ExpressionAttributeValues: { ':userId': claim.userId },
                }),
          }),
        ),
      );
    },

    async findAddress(email) {
      const item = await get(addressKey(email));
      if (!item) return undefined;
      const { email: address, userId, username, verifiedAt } = item as AddressClaim;
      return { email: address, userId, username, verifiedAt };
    },

    async releaseAddress(email, userId) {
      await remove(addressKey(email), { userId });
    },

    async saveToken(token) {
      await storeCall('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { [KEY]: tokenKey(token.tokenHash), ...token },
          }),
        ),
      );
    },

    async findToken(tokenHash) {
      const item = await get(tokenKey(tokenHash));
      if (!item) return undefined;
      const { [KEY]: _key, ...token } = item;
      return token as RecoveryTokenRecord;
    },

    async deleteToken(tokenHash) {
      await remove(tokenKey(tokenHash));
    },
  };
}
