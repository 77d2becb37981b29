/**
 * The environment the handler modules read at load, as the CDK stack sets it
 * in AWS. The local server sets it once before the first handler loads; the
 * gateway itself never touches `process.env`.
 */
import { ENV, type Env } from '../lambdas/config';
import { LOCAL_TABLE_NAMES, type TableNames } from './tables';

/** Loopback engines (embedded, DynamoDB Local, LocalStack) accept any credentials. */
export const DUMMY_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** Table names: the variables when set (an external endpoint may use others), else the local names. */
export function tableNames(env: Env): TableNames {
  return {
    users: env[ENV.usersTable]?.trim() || LOCAL_TABLE_NAMES.users,
    sessions: env[ENV.sessionsTable]?.trim() || LOCAL_TABLE_NAMES.sessions,
    revokedTokens: env[ENV.revokedTokensTable]?.trim() || LOCAL_TABLE_NAMES.revokedTokens,
  };
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/**
 * Dummy region and credentials, only where none are set and only for an
 * engine on this machine: the AWS SDK insists on having some, a loopback
 * engine ignores them. Against any other endpoint (a real region) the usual
 * credential chain stays in charge.
 */
export function dummyAwsEnv(env: Env, endpoint: string): Env {
  if (!isLoopback(endpoint)) return {};
  return {
    ...(env.AWS_REGION || env.AWS_DEFAULT_REGION ? {} : { AWS_REGION: DUMMY_AWS_ENV.AWS_REGION }),
    ...(env.AWS_ACCESS_KEY_ID
      ? {}
      : {
          AWS_ACCESS_KEY_ID: DUMMY_AWS_ENV.AWS_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: DUMMY_AWS_ENV.AWS_SECRET_ACCESS_KEY,
        }),
  };
}

/** The variables to set for the handlers. The signing key lives in the data folder so tokens survive restarts. */
export function handlerEnvironment(options: {
  env: Env;
  dataDir: string;
  endpoint: string;
  tables: TableNames;
}): Env {
  return {
    ...dummyAwsEnv(options.env, options.endpoint),
    [ENV.usersTable]: options.tables.users,
    [ENV.sessionsTable]: options.tables.sessions,
    [ENV.revokedTokensTable]: options.tables.revokedTokens,
    [ENV.dynamodbEndpoint]: options.endpoint,
    [ENV.localKeyDir]: options.dataDir,
  };
}
