/**
 * The low-level DynamoDB client, apart from `dynamo.ts` on purpose: the
 * authorizer imports this file alone, so its bundle never loads
 * `@aws-sdk/lib-dynamodb` (a module esbuild cannot drop once imported).
 * Every client of the project, document clients included, is built here.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { awsClientDefaults } from '../aws-clients';

export interface DynamoOptions {
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  endpoint?: string;
  /**
   * Overrides of the client's configuration (region, profile, credentials,
   * timeouts): the admin CLI runs on an operator's machine, not in Lambda.
   */
  config?: DynamoDBClientConfig;
}

/** The low-level client: what the authorizer's revocation lookup uses, without the document layer. */
export function createDynamoClient({ endpoint, config }: DynamoOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    // A revocation check sits on every request: bounded timeouts and retries, never a hang.
    ...awsClientDefaults(),
    ...config,
  });
}
