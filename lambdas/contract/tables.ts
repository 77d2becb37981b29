/**
 * The DynamoDB tables, defined once. The CDK stack creates them from this
 * list, the local server creates them in the embedded engine from it, and the
 * stores read their key and TTL attribute names from it; every list of table
 * names, variables or grants is derived from it. Plain data only: this module
 * is bundled into the Lambdas.
 */
import { ConfigError } from './setting-values';

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
    envVar: 'USERS_TABLE',
    partitionKey: { name: 'username', type: 'S' },
  },
  /** One item per login (session); deleted when the session is revoked. */
  sessions: {
    logicalName: 'Sessions',
    envVar: 'SESSIONS_TABLE',
    partitionKey: { name: 'userId', type: 'S' },
    sortKey: { name: 'sessionId', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /** One item per revoked token, kept until the token's own `exp`. */
  revokedTokens: {
    logicalName: 'RevokedTokens',
    envVar: 'REVOKED_TOKENS_TABLE',
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
    envVar: 'LOGIN_ATTEMPTS_TABLE',
    partitionKey: { name: 'account', type: 'S' },
    sortKey: { name: 'address', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /**
   * One item per login waiting for its second factor, keyed by the SHA-256
   * of its `mfa_token` (the token itself is never stored): the user, the
   * credentials version its password was checked under, the codes tried.
   * Deleted when used; expiry is checked in code (TTL deletes late).
   */
  mfaChallenges: {
    logicalName: 'MfaChallenges',
    envVar: 'MFA_CHALLENGES_TABLE',
    partitionKey: { name: 'tokenHash', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /**
   * Account recovery by e-mail (`store/recovery.ts`): one item per verified
   * address (`address#<address>`: its owner, which makes an address unique
   * among verified accounts by conditional put) and one per outstanding
   * token (`token#<SHA-256>`: whose and until when; the token itself is
   * never stored). Token items carry a TTL; their expiry is checked in code.
   */
  recovery: {
    logicalName: 'Recovery',
    envVar: 'RECOVERY_TABLE',
    partitionKey: { name: 'key', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
  /**
   * One item per operator action of the admin CLI (who, when, what, on whom,
   * why), written before the action; kept at least 400 days, then deleted by
   * TTL. No function reads or writes it: only the operator's CLI.
   */
  adminAudit: {
    logicalName: 'AdminAudit',
    envVar: 'ADMIN_AUDIT_TABLE',
    partitionKey: { name: 'auditId', type: 'S' },
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof TABLES;

/** The tables' names in one deployment (or local data folder), by table. */
export type TableNames = Record<TableName, string>;

/** Builds one value per table. */
export function mapTables<T>(
  build: (table: TableDefinition, name: TableName) => T,
): Record<TableName, T> {
  return Object.fromEntries(
    (Object.keys(TABLES) as TableName[]).map((name) => [name, build(TABLES[name], name)]),
  ) as Record<TableName, T>;
}

/** The logical names, which are also the physical names in local mode. */
export const LOGICAL_TABLE_NAMES: TableNames = mapTables((table) => table.logicalName);

/**
 * The environment that names every table (by default by its logical name,
 * what the local server creates): for the stack and anything that loads a
 * function outside it, so a new table can never be left out of it.
 */
export function tableEnvironment<T = string>(
  names: Record<TableName, T> = LOGICAL_TABLE_NAMES as Record<TableName, T>,
): Record<string, T> {
  return Object.fromEntries(
    (Object.keys(TABLES) as TableName[]).map((name) => [TABLES[name].envVar, names[name]]),
  );
}

/**
 * The table names an environment gives, each read from its variable; a
 * missing one is `fallback`'s, or an error naming the variable.
 */
export function tableNamesIn(
  env: Record<string, string | undefined>,
  fallback?: TableNames,
): TableNames {
  return mapTables((table, name) => {
    const value = env[table.envVar]?.trim() || fallback?.[name];
    if (!value) throw new ConfigError(`Environment variable ${table.envVar} is required.`);
    return value;
  });
}
