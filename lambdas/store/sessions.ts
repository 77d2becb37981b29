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
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RotationRecord, SessionRecord, SessionStore, SessionTokens } from '../auth/ports';
import { type Clock, epochSeconds, systemClock } from '../clock';
import { TABLES } from '../contract/tables';
import { conditionalWrite, queryAll, storeCall, storeError } from './dynamo';

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
  /**
   * Replaces the current pair (and what `also` sets) only while the refresh
   * token is still `previousRefreshJti`. A missing item has no refreshJti,
   * so this also fails for a deleted session.
   */
  const swapPair = (
    userId: string,
    sessionId: string,
    previousRefreshJti: string,
    tokens: SessionTokens & { refreshedAt: string },
    also: { update: string; values: Record<string, unknown> },
  ) =>
    conditionalWrite('UpdateItem', () =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(userId, sessionId),
          UpdateExpression: `SET accessJti = :accessJti, accessExp = :accessExp, refreshJti = :refreshJti, refreshExp = :refreshExp, refreshedAt = :refreshedAt, ${also.update}`,
          ConditionExpression: 'refreshJti = :previous',
          ExpressionAttributeValues: {
            ':accessJti': tokens.accessJti,
            ':accessExp': tokens.accessExp,
            ':refreshJti': tokens.refreshJti,
            ':refreshExp': tokens.refreshExp,
            ':refreshedAt': tokens.refreshedAt,
            ':previous': previousRefreshJti,
            ...also.values,
          },
        }),
      ),
    );

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
      const items = await queryAll<SessionRecord>(client, {
        TableName: tableName,
        KeyConditionExpression: '#pk = :userId',
        ExpressionAttributeNames: { '#pk': partitionKey.name },
        ExpressionAttributeValues: { ':userId': userId },
      });
      return items.filter(isLive);
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
      // One write swaps the pair and records the rotation: a concurrent
      // refresh that loses the condition reads the successor from here.
      return swapPair(
        userId,
        sessionId,
        previousRefreshJti,
        { ...tokens, refreshedAt },
        {
          update: 'lastRotation = :lastRotation',
          values: { ':lastRotation': lastRotation },
        },
      );
    },

    stepUp(userId, sessionId, { previousRefreshJti, amr, ...tokens }) {
      return swapPair(userId, sessionId, previousRefreshJti, tokens, {
        update: 'amr = :amr REMOVE lastRotation',
        values: { ':amr': amr },
      });
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
