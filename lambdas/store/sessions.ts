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
import { type Clock, epochSeconds, systemClock } from '../clock';
import { TABLES } from '../contract/tables';
import { isConditionFailed, storeCall, storeError } from './dynamo';

/** The ids and expiries of a session's current token pair. */
export interface SessionTokens {
  accessJti: string;
  /** Epoch seconds. */
  accessExp: number;
  refreshJti: string;
  /** Epoch seconds. */
  refreshExp: number;
}

export interface SessionRecord extends SessionTokens {
  userId: string;
  sessionId: string;
  username: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601 of the last refresh; absent until the first one. */
  refreshedAt?: string;
  /** End of the session, epoch seconds: the TTL attribute. Never grows. */
  expiresAt: number;
  ip?: string;
  userAgent?: string;
}

export interface SessionRotation extends SessionTokens {
  /** The refresh token id the caller checked: the write fails if it is no longer current. */
  previousRefreshJti: string;
  refreshedAt: string;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** The live session, strongly consistent; `undefined` if gone or past its end. */
  get(userId: string, sessionId: string): Promise<SessionRecord | undefined>;
  /** Every live session of the user, strongly consistent. */
  listByUser(userId: string): Promise<SessionRecord[]>;
  /**
   * Replaces the current token pair, only if the refresh token is still
   * `previousRefreshJti`. False when it is not (rotated or revoked meanwhile).
   */
  rotate(userId: string, sessionId: string, rotation: SessionRotation): Promise<boolean>;
  /**
   * Deletes the item, only while its current refresh token is still
   * `seenRefreshJti`. False when it is not (a concurrent refresh rotated it)
   * or when the item is already gone.
   */
  remove(userId: string, sessionId: string, seenRefreshJti: string): Promise<boolean>;
}

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
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: session,
            // Ids are random; this only guards against ever overwriting a session.
            ConditionExpression: 'attribute_not_exists(#sk)',
            ExpressionAttributeNames: { '#sk': sortKey.name },
          }),
        );
      } catch (error) {
        throw storeError(isConditionFailed(error) ? 'PutItem (duplicate id)' : 'PutItem', error);
      }
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

    async rotate(userId, sessionId, { previousRefreshJti, refreshedAt, ...tokens }) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(userId, sessionId),
            UpdateExpression:
              'SET accessJti = :accessJti, accessExp = :accessExp, refreshJti = :refreshJti, refreshExp = :refreshExp, refreshedAt = :refreshedAt',
            // A missing item has no refreshJti, so this also fails for a deleted session.
            ConditionExpression: 'refreshJti = :previous',
            ExpressionAttributeValues: {
              ':accessJti': tokens.accessJti,
              ':accessExp': tokens.accessExp,
              ':refreshJti': tokens.refreshJti,
              ':refreshExp': tokens.refreshExp,
              ':refreshedAt': refreshedAt,
              ':previous': previousRefreshJti,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw storeError('UpdateItem', error);
      }
    },

    async remove(userId, sessionId, seenRefreshJti) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(userId, sessionId),
            ConditionExpression: 'refreshJti = :seen',
            ExpressionAttributeValues: { ':seen': seenRefreshJti },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw storeError('DeleteItem', error);
      }
    },
  };
}
