/**
 * The `RevokedTokens` table: one item per revoked token, keyed by `jti`, kept
 * by DynamoDB until the token's own `exp` (the TTL attribute). Correctness
 * never waits for TTL: an expired token fails on `exp` before any lookup.
 * The lookup itself lives in `revocation-lookup.ts`, the authorizer's one read.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Revocation, RevokedTokenStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalWrite, storeCall } from './dynamo';
import { createRevocationLookup } from './revocation-lookup';

const { partitionKey } = TABLES.revokedTokens;

export function createRevokedTokenStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): RevokedTokenStore {
  return {
    revoke(revocation) {
      return conditionalWrite('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: revocation,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': partitionKey.name },
          }),
        ),
      );
    },

    isRevoked: createRevocationLookup(client, tableName).isRevoked,

    async find(jti) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({
            TableName: tableName,
            Key: { [partitionKey.name]: jti },
            ConsistentRead: true,
          }),
        ),
      );
      return Item as Revocation | undefined;
    },
  };
}
