/**
 * The `Users` table: one item per user, keyed by the normalised username.
 * Uniqueness is a conditional put, so two registrations of one name can never
 * both succeed. `credentialsVersion` (a Number, absent on old items = 0) is
 * bumped by password change and logout-all, each one conditional update.
 * `disabled` (a Boolean, absent on old items = not disabled) is set by an
 * operator (the admin CLI), with who did it, when and why. `roles` is
 * written by `user-roles.ts` alone. The e-mail attributes (`email`,
 * `emailVerified`, the open tokens' hashes and ends) are written by
 * `recovery.ts` alone, and absent on old items: no address; except that a
 * password change here also removes the open reset token.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PasswordChange, StatusChange, UserRecord, UserStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { UsernameTakenError } from '../errors';
import { conditionalWrite, storeCall } from './dynamo';

const KEY = TABLES.users.partitionKey.name;

/** Items stored before `credentialsVersion` existed have none: it starts from 0. */
export const BUMP_VERSION = 'credentialsVersion = if_not_exists(credentialsVersion, :zero) + :one';

/** The open reset token's attributes, which every new password removes. */
export const RESET_TOKEN_ATTRIBUTES = ['resetTokenHash', 'resetTokenExpiresAt'] as const;

/** Replaces the hash if it is still `previousHash`; with `bumpVersion`, as a credentials change. */
function replaceHash(
  client: DynamoDBDocumentClient,
  tableName: string,
  { username, userId, previousHash, passwordHash }: PasswordChange,
  bumpVersion: boolean,
): Promise<boolean> {
  return conditionalWrite('UpdateItem', () =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [KEY]: username },
        // A new password ends every reset link still open (`RESET_TOKEN_ATTRIBUTES`).
        UpdateExpression: bumpVersion
          ? `SET passwordHash = :next, ${BUMP_VERSION} REMOVE ${RESET_TOKEN_ATTRIBUTES.join(', ')}`
          : 'SET passwordHash = :next',
        ConditionExpression: 'userId = :userId AND passwordHash = :previous',
        ExpressionAttributeValues: {
          ':next': passwordHash,
          ':userId': userId,
          ':previous': previousHash,
          ...(bumpVersion ? { ':zero': 0, ':one': 1 } : {}),
        },
      }),
    ),
  );
}

/**
 * Sets the operator's disabled mark (with who, when, why); disabling also
 * bumps `credentialsVersion` in the same write. Conditional on `userId`, so
 * it never creates an item.
 */
function setStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  { username, userId, at, by, note }: StatusChange,
  disabled: boolean,
): Promise<boolean> {
  const set = [
    'disabled = :disabled',
    'statusChangedAt = :at',
    'statusChangedBy = :by',
    ...(note !== undefined ? ['statusNote = :note'] : []),
    ...(disabled ? [BUMP_VERSION] : []),
  ];
  return conditionalWrite('UpdateItem', () =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [KEY]: username },
        UpdateExpression: `SET ${set.join(', ')}${note === undefined ? ' REMOVE statusNote' : ''}`,
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: {
          ':userId': userId,
          ':disabled': disabled,
          ':at': at,
          ':by': by,
          ...(note !== undefined ? { ':note': note } : {}),
          ...(disabled ? { ':zero': 0, ':one': 1 } : {}),
        },
      }),
    ),
  );
}

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

    changePassword(change) {
      return replaceHash(client, tableName, change, true);
    },

    rehashPassword(change) {
      return replaceHash(client, tableName, change, false);
    },

    bumpCredentialsVersion({ username, userId }) {
      return conditionalWrite('UpdateItem', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [KEY]: username },
            UpdateExpression: `SET ${BUMP_VERSION}`,
            // A missing item has no userId: the condition also keeps the update from creating one.
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': userId, ':zero': 0, ':one': 1 },
          }),
        ),
      );
    },

    disable(change) {
      return setStatus(client, tableName, change, true);
    },

    enable(change) {
      return setStatus(client, tableName, change, false);
    },
  };
}
