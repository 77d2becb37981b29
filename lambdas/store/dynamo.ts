/**
 * The DynamoDB boundary: building the document client, and turning SDK
 * exceptions into domain errors.
 */
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../errors';
import { createDynamoClient, type DynamoOptions } from './dynamo-client';

export type { DynamoOptions };

export function createDocumentClient(options: DynamoOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** True when a conditional write was refused because its condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ConditionalCheckFailedException'
  );
}

/** A failure of the store as the domain sees it: 503, fail closed; the cause is for the logs. */
export function storeError(operation: string, cause: unknown): UnavailableError {
  return new UnavailableError(undefined, {
    cause: new Error(`DynamoDB ${operation} failed`, { cause }),
  });
}

/**
 * Runs one conditional write and returns its answer; `undefined` when its
 * condition did not hold; any other failure becomes a {@link storeError}.
 */
export async function conditionalCall<T>(
  operation: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw storeError(operation, error);
  }
}

/**
 * Runs one conditional write: true when it was applied, false when its
 * condition did not hold; any other failure becomes a {@link storeError}.
 */
export async function conditionalWrite(
  operation: string,
  write: () => Promise<unknown>,
): Promise<boolean> {
  const applied = await conditionalCall(operation, async () => {
    await write();
    return true;
  });
  return applied ?? false;
}

/** Runs one store call; any failure becomes a {@link storeError}. */
export async function storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw storeError(operation, cause);
  }
}

/**
 * Every item a strongly consistent Query matches, page after page (one
 * partition's items: a user's sessions, an account's counters); any failure
 * becomes a {@link storeError}.
 */
export async function queryAll<Item = Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ConsistentRead' | 'ExclusiveStartKey'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await storeCall('Query', () =>
      client.send(
        new QueryCommand({ ...input, ConsistentRead: true, ExclusiveStartKey: startKey }),
      ),
    );
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
