/**
 * The second factor's writes (`MfaStore`), on the user's item of the `Users`
 * table: `totp` (a map: state, encrypted secret, dates, last accepted time
 * step) and `recoveryCodes` (a map from each unused code's SHA-256 to when it
 * was made). Both are absent on items stored before MFA existed, which read
 * as "no factor". Each write is one conditional UpdateItem on `userId`, so it
 * never creates an item; the race-sensitive ones (a time step, a recovery
 * code) are decided by that condition alone.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MfaStore, UserRef } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { conditionalWrite } from './dynamo';

const KEY = TABLES.users.partitionKey.name;

/** Items stored before `credentialsVersion` existed have none: it starts from 0. */
const BUMP_VERSION = 'credentialsVersion = if_not_exists(credentialsVersion, :zero) + :one';

export function createMfaStore(client: DynamoDBDocumentClient, tableName: string): MfaStore {
  const update = (
    { username, userId }: UserRef,
    expression: {
      update: string;
      condition: string;
      names?: Record<string, string>;
      values?: Record<string, unknown>;
    },
  ) =>
    conditionalWrite('UpdateItem', () =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [KEY]: username },
          UpdateExpression: expression.update,
          ConditionExpression: `userId = :userId AND ${expression.condition}`,
          ...(expression.names ? { ExpressionAttributeNames: expression.names } : {}),
          ExpressionAttributeValues: { ':userId': userId, ...expression.values },
        }),
      ),
    );

  return {
    beginTotp(user, factor) {
      return update(user, {
        update: 'SET totp = :factor',
        condition: '(attribute_not_exists(totp) OR totp.#state = :pending)',
        names: { '#state': 'state' },
        values: { ':factor': factor, ':pending': 'pending' },
      });
    },

    confirmTotp(user, { secret, step, confirmedAt, recoveryCodeHashes }) {
      return update(user, {
        update: `SET totp.#state = :active, totp.lastStep = :step, totp.confirmedAt = :at, recoveryCodes = :codes, ${BUMP_VERSION}`,
        condition: 'totp.#state = :pending AND totp.secret = :secret',
        names: { '#state': 'state' },
        values: {
          ':active': 'active',
          ':pending': 'pending',
          ':secret': secret,
          ':step': step,
          ':at': confirmedAt,
          ':codes': Object.fromEntries(recoveryCodeHashes.map((hash) => [hash, confirmedAt])),
          ':zero': 0,
          ':one': 1,
        },
      });
    },

    removeTotp(user, secret) {
      return update(user, {
        update: `REMOVE totp, recoveryCodes SET ${BUMP_VERSION}`,
        condition: 'totp.secret = :secret',
        values: { ':secret': secret, ':zero': 0, ':one': 1 },
      });
    },

    acceptStep(user, secret, step) {
      return update(user, {
        update: 'SET totp.lastStep = :step',
        condition:
          'totp.#state = :active AND totp.secret = :secret AND (attribute_not_exists(totp.lastStep) OR totp.lastStep < :step)',
        names: { '#state': 'state' },
        values: { ':active': 'active', ':secret': secret, ':step': step },
      });
    },

    useRecoveryCode(user, hash) {
      return update(user, {
        update: 'REMOVE recoveryCodes.#code',
        condition: 'attribute_exists(recoveryCodes.#code)',
        names: { '#code': hash },
      });
    },
  };
}
