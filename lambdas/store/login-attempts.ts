/**
 * The `LoginAttempts` table: the lockout's counters, partition key the
 * account (its stored name), sort key the client address. Two kinds of item:
 *
 * - a pair, `{account, address, attempts, attemptIds, lastAttemptAt,
 *   lockedUntil?, lastSuccessAt?, expiresAt}`;
 * - the account's ceiling, sort key {@link CEILING_ADDRESS}: `{window, count,
 *   attemptIds, expiresAt}`, the attempts of the current hour over all
 *   addresses.
 *
 * Every count is one conditional `UpdateItem` with `ADD`, which DynamoDB
 * applies atomically and which creates the item if needed: no transactions.
 * The condition says whether the attempt may be counted (the pair not
 * locked, the ceiling not reached), so the write that counts is also the
 * decision. Each write adds its attempt id to `attemptIds` and requires it
 * absent: a write the SDK retries after it had applied is refused by its own
 * condition instead of counting twice. The ids are forgotten when the check
 * ends (pair) or the window turns (ceiling), so the set stays small.
 *
 * TTL deletes late (days): expiry is checked in the conditions and reads.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccountAttempts, LoginAttemptStore, PairAdmission, PairState } from '../auth/ports';
import { type Clock, epochSeconds, systemClock } from '../clock';
import { TABLES } from '../contract/tables';
import type { UnavailableError } from '../errors';
import { conditionalCall, queryAll, storeCall, storeError } from './dynamo';

const ACCOUNT = TABLES.loginAttempts.partitionKey.name;
const ADDRESS = TABLES.loginAttempts.sortKey.name;
const TTL = TABLES.loginAttempts.ttlAttribute;

/** The sort key of the account-wide ceiling item: no address starts with `#`. */
export const CEILING_ADDRESS = '#account';

/**
 * Rounds of the conditional writes before giving up: a round fails only when
 * another writer changed the item between two writes, which the next settles.
 */
const MAX_ROUNDS = 3;

type UpdateInput = Omit<
  ConstructorParameters<typeof UpdateCommand>[0],
  'TableName' | 'ReturnValues' | 'Key'
>;

const num = (value: unknown): number | undefined =>
  value === undefined || value === null ? undefined : Number(value);

function idsOf(item: Record<string, unknown>): Set<string> {
  const ids = item.attemptIds;
  return ids instanceof Set ? (ids as Set<string>) : new Set();
}

function pairState(item: Record<string, unknown>): PairState {
  const lockedUntil = num(item.lockedUntil);
  const lastAttemptAt = num(item.lastAttemptAt);
  const lastSuccessAt = num(item.lastSuccessAt);
  return {
    account: String(item[ACCOUNT]),
    address: String(item[ADDRESS]),
    attempts: num(item.attempts) ?? 0,
    ...(lockedUntil !== undefined ? { lockedUntil } : {}),
    ...(lastAttemptAt !== undefined ? { lastAttemptAt } : {}),
    ...(lastSuccessAt !== undefined ? { lastSuccessAt } : {}),
  };
}

export function createLoginAttemptStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock = systemClock,
): LoginAttemptStore {
  const keyOf = (account: string, address: string) => ({ [ACCOUNT]: account, [ADDRESS]: address });

  /** One conditional update; the item as it left it, or `undefined` when its condition did not hold. */
  async function update(
    key: Record<string, string>,
    input: UpdateInput,
  ): Promise<Record<string, unknown> | undefined> {
    const updated = await conditionalCall('UpdateItem', () =>
      client.send(
        new UpdateCommand({ TableName: tableName, Key: key, ReturnValues: 'ALL_NEW', ...input }),
      ),
    );
    return updated && (updated.Attributes ?? {});
  }

  async function read(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const { Item } = await storeCall('GetItem', () =>
      client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })),
    );
    return Item;
  }

  /** Every item of `account`, whatever its TTL says, strongly consistent. */
  async function itemsOf(account: string): Promise<Record<string, unknown>[]> {
    return queryAll(client, {
      TableName: tableName,
      KeyConditionExpression: '#account = :account',
      ExpressionAttributeNames: { '#account': ACCOUNT },
      ExpressionAttributeValues: { ':account': account },
    });
  }

  /** An attempt whose write applied but whose answer was lost: counted, never checked. */
  function countedWithoutAnswer(): UnavailableError {
    return storeError('UpdateItem', new Error('an attempt was counted but its answer was lost'));
  }

  return {
    async admitPair({ account, address }, { attemptId, now }, rule) {
      const key = keyOf(account, address);
      const names = { '#ttl': TTL };
      const common = {
        ':one': 1,
        ':ids': new Set([attemptId]),
        ':id': attemptId,
        ':now': now,
        ':expiresAt': rule.expiresAt,
        ':stale': rule.staleBefore,
      };
      const notLocked = '(attribute_not_exists(lockedUntil) OR lockedUntil <= :now)';
      const live = '(attribute_not_exists(lastAttemptAt) OR lastAttemptAt > :stale)';
      const fresh = 'NOT contains(attemptIds, :id)';
      const count =
        'ADD attempts :one, attemptIds :ids SET lastAttemptAt = :now, #ttl = :expiresAt';
      // Below the threshold: count it, no lock. (A new item reaches 1, below a threshold of 2 or more.)
      const below: UpdateInput = {
        UpdateExpression: count,
        ConditionExpression: `(${rule.threshold > 1 ? 'attribute_not_exists(attempts) OR ' : ''}(attempts < :below AND ${live})) AND ${notLocked} AND ${fresh}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...common, ':below': rule.threshold - 1 },
      };
      // At or beyond the threshold: count it and hold the lock while its password is checked.
      const atThreshold: UpdateInput = {
        UpdateExpression: `${count}, lockedUntil = :lease`,
        ConditionExpression: `(attribute_not_exists(attempts) OR (attempts >= :below AND ${live})) AND ${notLocked} AND ${fresh}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...common,
          ':below': rule.threshold - 1,
          ':lease': rule.checkLeaseUntil,
        },
      };
      // A count last touched long ago is forgotten: this attempt is the first of a new one.
      const restart: UpdateInput = {
        UpdateExpression: `SET attempts = :one, attemptIds = :ids, lastAttemptAt = :now, #ttl = :expiresAt${
          rule.threshold <= 1 ? ', lockedUntil = :lease' : ' REMOVE lockedUntil'
        }`,
        ConditionExpression: `lastAttemptAt <= :stale AND ${fresh}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...common,
          ...(rule.threshold <= 1 ? { ':lease': rule.checkLeaseUntil } : {}),
        },
      };
      // The read only picks which conditional write to send; the write decides.
      let item = await read(key);
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        if (item && idsOf(item).has(attemptId)) throw countedWithoutAnswer();
        const state = item ? pairState(item) : undefined;
        if (state?.lockedUntil !== undefined && state.lockedUntil > now) {
          return { admitted: false, lockedUntil: state.lockedUntil } satisfies PairAdmission;
        }
        const input = !state
          ? rule.threshold > 1
            ? below
            : atThreshold
          : state.lastAttemptAt !== undefined && state.lastAttemptAt <= rule.staleBefore
            ? restart
            : state.attempts < rule.threshold - 1
              ? below
              : atThreshold;
        const written = await update(key, input);
        if (written) {
          const { attempts, lastSuccessAt } = pairState(written);
          return { admitted: true, attempts, ...(lastSuccessAt ? { lastSuccessAt } : {}) };
        }
        // Another attempt changed the item in between: look again.
        item = await read(key);
      }
      throw storeError('UpdateItem', new Error('login attempt count kept changing'));
    },

    async admitAccount(account, { attemptId }, rule) {
      const key = keyOf(account, CEILING_ADDRESS);
      const names = { '#ttl': TTL, '#window': 'window', '#count': 'count' };
      const values = {
        ':one': 1,
        ':ids': new Set([attemptId]),
        ':window': rule.window,
        ':expiresAt': rule.expiresAt,
      };
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const added = await update(key, {
          UpdateExpression: 'ADD #count :one, attemptIds :ids SET #ttl = :expiresAt',
          ConditionExpression:
            '#window = :window AND #count < :ceiling AND NOT contains(attemptIds, :id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':ceiling': rule.ceiling, ':id': attemptId },
        });
        if (added) return true;
        const started = await update(key, {
          UpdateExpression:
            'SET #window = :window, #count = :one, attemptIds = :ids, #ttl = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#window) OR #window < :window',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
        if (started) return true;
        const item = await read(key);
        if (item && idsOf(item).has(attemptId)) return true;
        if (item && num(item.window) === rule.window && (num(item.count) ?? 0) >= rule.ceiling) {
          return false;
        }
      }
      throw storeError('UpdateItem', new Error('login attempt ceiling kept changing'));
    },

    async withdraw({ account, address }, { attemptId, now }, heldLock) {
      await update(keyOf(account, address), {
        UpdateExpression: `ADD attempts :minusOne DELETE attemptIds :ids${heldLock ? ' SET lockedUntil = :now' : ''}`,
        ConditionExpression: 'contains(attemptIds, :id)',
        ExpressionAttributeValues: {
          ':minusOne': -1,
          ':ids': new Set([attemptId]),
          ':id': attemptId,
          ...(heldLock ? { ':now': now } : {}),
        },
      });
    },

    async settleFailure({ account, address }, lockedUntil, expiresAt) {
      // Only an item that still counts: never re-create one an operator cleared meanwhile.
      await update(keyOf(account, address), {
        UpdateExpression: 'SET lockedUntil = :until, #ttl = :expiresAt REMOVE attemptIds',
        ConditionExpression: 'attribute_exists(attempts)',
        ExpressionAttributeNames: { '#ttl': TTL },
        ExpressionAttributeValues: { ':until': lockedUntil, ':expiresAt': expiresAt },
      });
    },

    async recordSuccess({ account, address }, now, expiresAt) {
      await storeCall('UpdateItem', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(account, address),
            UpdateExpression:
              'SET attempts = :zero, lastAttemptAt = :now, lastSuccessAt = :now, #ttl = :expiresAt REMOVE lockedUntil, attemptIds',
            ExpressionAttributeNames: { '#ttl': TTL },
            ExpressionAttributeValues: { ':zero': 0, ':now': now, ':expiresAt': expiresAt },
          }),
        ),
      );
    },

    async listAccount(account) {
      const nowSeconds = epochSeconds(clock());
      const result: AccountAttempts = { pairs: [] };
      for (const item of await itemsOf(account)) {
        if ((num(item[TTL]) ?? Number.POSITIVE_INFINITY) <= nowSeconds) continue;
        if (item[ADDRESS] === CEILING_ADDRESS) {
          result.ceiling = { window: num(item.window) ?? 0, count: num(item.count) ?? 0 };
        } else {
          result.pairs.push(pairState(item));
        }
      }
      return result;
    },

    async clearAccount(account) {
      const items = await itemsOf(account);
      for (const item of items) {
        await storeCall('DeleteItem', () =>
          client.send(
            new DeleteCommand({
              TableName: tableName,
              Key: keyOf(account, String(item[ADDRESS])),
            }),
          ),
        );
      }
      return items.length;
    },
  };
}
