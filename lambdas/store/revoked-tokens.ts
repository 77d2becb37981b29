/**
 * The `RevokedTokens` table: one item per revoked token, keyed by `jti`, kept
 * by DynamoDB until the token's own `exp` (the TTL attribute). Correctness
 * never waits for TTL: an expired token fails on `exp` before any lookup.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../contract/tables';
import type { TokenUse } from '../tokens/claims';
import { isConditionFailed, storeCall, storeError } from './dynamo';

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'rotated'
  | 'reuse_detected'
  | 'password_changed'
  | 'session_revoked';

/** The client that asked for the revocation, where the request says. */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export interface Revocation extends ClientInfo {
  jti: string;
  sub: string;
  sid: string;
  tokenUse: TokenUse;
  reason: RevocationReason;
  /** The token's `exp` (epoch seconds): the item's TTL. */
  expiresAt: number;
  /** When it was revoked (ISO 8601). */
  revokedAt: string;
}

export interface RevokedTokenStore {
  /**
   * Records a revocation unless the token is revoked already. Returns true when
   * this call revoked it, false when it was revoked before (the first reason is
   * kept). One conditional put: of concurrent callers exactly one gets true,
   * which makes it the lock of refresh-token rotation.
   */
  revoke(revocation: Revocation): Promise<boolean>;
  /** One strongly consistent read: a revocation is seen on the very next request. */
  isRevoked(jti: string): Promise<boolean>;
}

const { partitionKey } = TABLES.revokedTokens;

export function createRevokedTokenStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): RevokedTokenStore {
  return {
    async revoke(revocation) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: revocation,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': partitionKey.name },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw storeError('PutItem', error);
      }
    },

    async isRevoked(jti) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({
            TableName: tableName,
            Key: { [partitionKey.name]: jti },
            ConsistentRead: true,
            ProjectionExpression: '#key',
            ExpressionAttributeNames: { '#key': partitionKey.name },
          }),
        ),
      );
      return Item !== undefined;
    },
  };
}
