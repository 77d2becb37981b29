/**
 * The recovery routes' request counters, in the `Recovery` table: one item
 * per counted thing and window, `limit#<what>#<window>`, `{count,
 * expiresAt}`. Each count is one conditional `UpdateItem` with `ADD`, which
 * DynamoDB applies atomically and which creates the item if needed: it
 * applies only below the limit, so the write that counts is also the
 * decision. The window in the key means nothing is ever reset or read.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestLimitStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalWrite } from './dynamo';

const KEY = TABLES.recovery.partitionKey.name;
const TTL = TABLES.recovery.ttlAttribute;

export const limitKey = (what: string, window: number) => `limit#${what}#${window}`;

export function createRequestLimitStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): RequestLimitStore {
  return {
    count({ key, window, limit, expiresAt }) {
      return conditionalWrite('UpdateItem', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [KEY]: limitKey(key, window) },
            UpdateExpression: 'ADD #count :one SET #ttl = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': expiresAt },
          }),
        ),
      );
    },
  };
}
