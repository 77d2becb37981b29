/**
 * Recovery's state. The `Recovery` table: one item per verified address (`address#<address>`,
 * its owner) and one per outstanding recovery token (`token#<hash>`). Each
 * race-sensitive step is one conditional single-item write: an address has
 * one owner because its item is put only when absent, already the caller's,
 * or still the stale owner's the caller saw. And the user item's e-mail
 * attributes: a new address (with its token, ending any reset token), its
 * verification, a reset token, and the reset that uses it up, each one
 * conditional UpdateItem.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AddressClaim,
  EmailChange,
  EmailConfirmation,
  RecoveryStore,
  RecoveryTokenRecord,
  ResetConsumption,
  ResetTokenIssue,
  UserRef,
} from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalWrite, storeCall } from './dynamo';
import { BUMP_VERSION, RESET_TOKEN_ATTRIBUTES } from './users';

const KEY = TABLES.recovery.partitionKey.name;
const USER_KEY = TABLES.users.partitionKey.name;

export const addressKey = (email: string) => `address#${email}`;
export const tokenKey = (tokenHash: string) => `token#${tokenHash}`;

/** A write of the user's item: what it sets and removes, and what must hold besides its owner. */
interface UserItemUpdate {
  update: string;
  condition?: string;
  values: Record<string, unknown>;
}

/** One conditional UpdateItem of the user's item, only while it is still `userId`'s. */
function updateUser(
  client: DynamoDBDocumentClient,
  tableName: string,
  { username, userId }: UserRef,
  { update, condition, values }: UserItemUpdate,
): Promise<boolean> {
  return conditionalWrite('UpdateItem', () =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [USER_KEY]: username },
        UpdateExpression: update,
        ConditionExpression: condition ? `userId = :userId AND ${condition}` : 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId, ...values },
      }),
    ),
  );
}

/**
 * A new address: unverified with its token, or verified by an operator; the
 * open reset token (if any) ends with it.
 */
function emailChange({ email, token, verifiedAt }: EmailChange): UserItemUpdate {
  const set = ['email = :email', 'emailVerified = :verified'];
  const remove: string[] = [...RESET_TOKEN_ATTRIBUTES];
  if (verifiedAt !== undefined) set.push('emailVerifiedAt = :at');
  else remove.push('emailVerifiedAt');
  if (token) set.push('emailTokenHash = :hash', 'emailTokenExpiresAt = :expiresAt');
  else remove.push('emailTokenHash', 'emailTokenExpiresAt');
  return {
    update: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
    values: {
      ':email': email,
      ':verified': verifiedAt !== undefined,
      ...(verifiedAt !== undefined ? { ':at': verifiedAt } : {}),
      ...(token ? { ':hash': token.hash, ':expiresAt': token.expiresAt } : {}),
    },
  };
}

/** The address verified: only while it and its token are still the item's, and the token lives. */
function emailConfirmation({ email, tokenHash, at, now }: EmailConfirmation): UserItemUpdate {
  return {
    update:
      'SET emailVerified = :true, emailVerifiedAt = :at REMOVE emailTokenHash, emailTokenExpiresAt',
    condition: 'email = :email AND emailTokenHash = :hash AND emailTokenExpiresAt > :now',
    values: { ':email': email, ':hash': tokenHash, ':now': now, ':true': true, ':at': at },
  };
}

/** A reset token on the item, replacing the open one, while `email` is its verified address. */
function resetTokenIssue({ email, token }: ResetTokenIssue): UserItemUpdate {
  return {
    update: 'SET resetTokenHash = :hash, resetTokenExpiresAt = :expiresAt',
    condition: 'email = :email AND emailVerified = :true',
    values: { ':email': email, ':true': true, ':hash': token.hash, ':expiresAt': token.expiresAt },
  };
}

/**
 * The reset itself: the new hash and a credentials version bump, in the one
 * write that uses the token up, only while it is the item's open token and
 * has not ended. The second factor and everything else stay as they are.
 */
function resetConsumption({ tokenHash, now, passwordHash }: ResetConsumption): UserItemUpdate {
  return {
    update: `SET passwordHash = :next, ${BUMP_VERSION} REMOVE ${RESET_TOKEN_ATTRIBUTES.join(', ')}`,
    condition: 'resetTokenHash = :hash AND resetTokenExpiresAt > :now',
    values: { ':hash': tokenHash, ':now': now, ':next': passwordHash, ':zero': 0, ':one': 1 },
  };
}

/** The two tables recovery writes: its own, and the users' e-mail attributes. */
export interface RecoveryTables {
  recovery: string;
  users: string;
}

export function createRecoveryStore(
  client: DynamoDBDocumentClient,
  { recovery: tableName, users }: RecoveryTables,
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

    setEmail(change) {
      return updateUser(client, users, change, emailChange(change));
    },

    confirmEmail(confirmation) {
      return updateUser(client, users, confirmation, emailConfirmation(confirmation));
    },

    setResetToken(issue) {
      return updateUser(client, users, issue, resetTokenIssue(issue));
    },

    consumeResetToken(reset) {
      return updateUser(client, users, reset, resetConsumption(reset));
    },
  };
}
