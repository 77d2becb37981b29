/**
 * The roles on the `Users` item: a List of Strings, sorted (absent on items
 * stored before roles existed: none), replaced whole by an operator,
 * conditional on the roles it read. Apart from `users.ts` so that only the
 * admin CLI, the one writer, carries it.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleChange, UserRoleStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalWrite } from './dynamo';

const KEY = TABLES.users.partitionKey.name;

/** As `users.ts` bumps it: items stored before `credentialsVersion` existed start from 0. */
const BUMP_VERSION = 'credentialsVersion = if_not_exists(credentialsVersion, :zero) + :one';

/**
 * Replaces the roles if they are still the ones read; with `bumpVersion`, as
 * a credentials change. "Still the ones read" is the same count and each of
 * them (the embedded engine compares no lists): roles are a set.
 */
function replaceRoles(
  client: DynamoDBDocumentClient,
  tableName: string,
  { username, userId, previous, roles, bumpVersion }: RoleChange,
): Promise<boolean> {
  const held = (previous ?? []).map((_, index) => `contains(#roles, :held${index})`);
  const unchanged =
    previous === undefined
      ? 'attribute_not_exists(#roles)'
      : ['size(#roles) = :count', ...held].join(' AND ');
  return conditionalWrite('UpdateItem', () =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [KEY]: username },
        UpdateExpression: `SET #roles = :roles${bumpVersion ? `, ${BUMP_VERSION}` : ''}`,
        ConditionExpression: `userId = :userId AND ${unchanged}`,
        ExpressionAttributeNames: { '#roles': 'roles' },
        ExpressionAttributeValues: {
          ':userId': userId,
          ':roles': roles,
          ...(previous !== undefined ? { ':count': previous.length } : {}),
          ...Object.fromEntries((previous ?? []).map((role, index) => [`:held${index}`, role])),
          ...(bumpVersion ? { ':zero': 0, ':one': 1 } : {}),
        },
      }),
    ),
  );
}

export function createUserRoleStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): UserRoleStore {
  return { setRoles: (change) => replaceRoles(client, tableName, change) };
}
