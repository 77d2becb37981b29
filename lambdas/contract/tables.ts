/**
 * The DynamoDB tables, defined once. The CDK stack creates them from this
 * list, the local server creates them in the embedded engine from it, and the
 * stores read their key and TTL attribute names from it. Plain data only: this
 * module is bundled into the Lambdas.
 */
import { ENV } from '../config';

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name: the CDK construct id and the local table name. */
  logicalName: string;
  /** Environment variable through which functions learn the physical name. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /** Epoch-seconds Number attribute after which DynamoDB may delete the item. */
  ttlAttribute?: string;
}

export const TABLES = {
  /** One item per user, keyed by the normalised username (uniqueness by conditional put). */
  users: {
    logicalName: 'Users',
    envVar: ENV.usersTable,
    partitionKey: { name: 'username', type: 'S' },
  },
  /** One item per login (session); deleted when the session is revoked. */
  sessions: {
    logicalName: 'Sessions',
    envVar: ENV.sessionsTable,
    partitionKey: { name: 'userId', type: 'S' },
    sortKey: { name: 'sessionId', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /** One item per revoked token, kept until the token's own `exp`. */
  revokedTokens: {
    logicalName: 'RevokedTokens',
    envVar: ENV.revokedTokensTable,
    partitionKey: { name: 'jti', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /**
   * The login lockout's counters (`store/login-attempts.ts`): one item per
   * account and client address, plus one per account for its hourly
   * ceiling. The partition is the account, so an unlock or a password reset
   * finds them all. It replaced the per-username table of earlier releases
   * (a new logical name: a key schema cannot change in place); the counts
   * kept there are dropped at the upgrade, and would have expired within a
   * day anyway.
   */
  loginAttempts: {
    logicalName: 'LoginAttemptsByAddress',
    envVar: ENV.loginAttemptsTable,
    partitionKey: { name: 'account', type: 'S' },
    sortKey: { name: 'address', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof TABLES;

/**
 * The environment that names every table, each by its logical name (what
 * the local server creates): for anything that loads a function outside
 * the stack, so a new table can never be left out of it.
 */
export function tableEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.values(TABLES).map((table) => [table.envVar, table.logicalName]),
  );
}
