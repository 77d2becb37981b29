/**
 * The `Sessions` table: one item per login, keyed by `userId` + `sessionId`,
 * holding the session's current access and refresh token ids. DynamoDB may
 * delete it after `expiresAt` (TTL); since TTL deletes late, reads here treat
 * an item past `expiresAt` as gone.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RotationRecord, SessionRecord, SessionStore } from '../auth/ports';
import { type Clock, epochSeconds, systemClock } from '../clock';
import { TABLES } from '../contract/tables';
import { conditionalWrite, storeCall, storeError } from './dynamo';

const { partitionKey, sortKey } = TABLES.sessions;

export function createSessionStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock = systemClock,
): SessionStore {
  const key = (userId: string, sessionId: string) => ({
    [partitionKey.name]: userId,
    [sortKey.name]: sessionId,
  });
  const isLive = (session: SessionRecord) => session.expiresAt > epochSeconds(clock());

  return {
    async create(session) {
      const created = await conditionalWrite('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: session,
            // Ids are random; this only guards against ever overwriting a session.
            ConditionExpression: 'attribute_not_exists(#sk)',
            ExpressionAttributeNames: { '#sk': sortKey.name },
          }),
        ),
      );
      if (!created) throw storeError('PutItem (duplicate id)', undefined);
    },

    async get(userId, sessionId) {
      const { Item } = await storeCall('GetItem', () =>
        client.send(
          new GetCommand({
            TableName: tableName,
            Key: key(userId, sessionId),
            ConsistentRead: true,
          }),
        ),
      );
      const session = Item as SessionRecord | undefined;
      return session && isLive(session) ? session : undefined;
    },

    async listByUser(userId) {
      const sessions: SessionRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await storeCall('Query', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: '#pk = :userId',
              ExpressionAttributeNames: { '#pk': partitionKey.name },
              ExpressionAttributeValues: { ':userId': userId },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        sessions.push(...((page.Items ?? []) as SessionRecord[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return sessions.filter(isLive);
    },

    rotate(
      userId,
      sessionId,
      { previousRefreshJti, refreshedAt, issuedAt, rotatedAt, claims, ...tokens },
    ) {
      const lastRotation: RotationRecord = {
        previousRefreshJti,
        refreshJti: tokens.refreshJti,
        issuedAt,
        rotatedAt,
        // The user's claims of the new pair: a replay signs them again.
        ...(claims ? { claims } : {}),
      };
      return conditionalWrite('UpdateItem', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(userId, sessionId),
            // One write swaps the pair and records the rotation: a concurrent
            // refresh that loses the condition reads the successor from here.
            UpdateExpression:
              'SET accessJti = :accessJti, accessExp = :accessExp, refreshJti = :refreshJti, refreshExp = :refreshExp, refreshedAt = :refreshedAt, lastRotation = :lastRotation',
            // A missing item has no refreshJti, so this also fails for a deleted session.
            ConditionExpression: 'refreshJti = :previous',
            ExpressionAttributeValues: {
              ':accessJti': tokens.accessJti,
              ':accessExp': tokens.accessExp,
              ':refreshJti': tokens.refreshJti,
              ':refreshExp': tokens.refreshExp,
              ':refreshedAt': refreshedAt,
              ':lastRotation': lastRotation,
              ':previous': previousRefreshJti,
            },
          }),
        ),
      );
    },

    remove(userId, sessionId, seenRefreshJti) {
      return conditionalWrite('DeleteItem', () =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(userId, sessionId),
            ConditionExpression: 'refreshJti = :seen',
            ExpressionAttributeValues: { ':seen': seenRefreshJti },
          }),
        ),
      );
    },
  };
}
