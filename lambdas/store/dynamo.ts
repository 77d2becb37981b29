/**
 * The DynamoDB boundary: building the document client, and turning SDK
 * exceptions into domain errors.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientDefaults } from '../aws-clients';
import { UnavailableError } from '../errors';

export interface DynamoOptions {
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  endpoint?: string;
  /**
   * Overrides of the client's configuration (region, profile, credentials,
   * timeouts): the admin CLI runs on an operator's machine, not in Lambda.
   */
  config?: DynamoDBClientConfig;
}

export function createDocumentClient({
  endpoint,
  config,
}: DynamoOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    // A revocation check sits on every request: bounded timeouts and retries, never a hang.
    ...awsClientDefaults(),
    ...config,
  });
  return DynamoDBDocumentClient.from(client, {
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
 * Runs one conditional write: true when it was applied, false when its
 * condition did not hold; any other failure becomes a {@link storeError}.
 */
export async function conditionalWrite(
  operation: string,
  write: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw storeError(operation, error);
  }
}

/** Runs one store call; any failure becomes a {@link storeError}. */
export async function storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw storeError(operation, cause);
  }
}
