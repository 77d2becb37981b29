/**
 * The environment the handler modules read at load, as the CDK stack sets it
 * in AWS. The local server sets it once before the first handler loads; the
 * gateway itself never touches `process.env`.
 */
import { ENV, type Env } from '../lambdas/config';
import { EMBEDDED_CREDENTIALS } from './database';
import { LOCAL_TABLE_NAMES, type TableNames } from './tables';

/** Table names: the variables when set (an external endpoint may use others), else the local names. */
export function tableNames(env: Env): TableNames {
  return {
    users: env[ENV.usersTable]?.trim() || LOCAL_TABLE_NAMES.users,
    sessions: env[ENV.sessionsTable]?.trim() || LOCAL_TABLE_NAMES.sessions,
    revokedTokens: env[ENV.revokedTokensTable]?.trim() || LOCAL_TABLE_NAMES.revokedTokens,
  };
}

/**
 * The variables to set for the handlers. The signing key lives in the data
 * folder so tokens survive restarts. Dummy AWS credentials are added only for
 * the embedded engine and only where none are set (they win over a profile,
 * which may be expired SSO); against an external endpoint the usual
 * credential chain must stay in charge.
 */
export function handlerEnvironment(options: {
  env: Env;
  dataDir: string;
  endpoint: string;
  embedded: boolean;
  tables: TableNames;
}): Env {
  const { env, embedded } = options;
  const dummies: Env = embedded
    ? {
        ...(env.AWS_REGION || env.AWS_DEFAULT_REGION
          ? {}
          : { AWS_REGION: EMBEDDED_CREDENTIALS.region }),
        ...(env.AWS_ACCESS_KEY_ID
          ? {}
          : {
              AWS_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
              AWS_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
            }),
      }
    : {};
  return {
    ...dummies,
    [ENV.usersTable]: options.tables.users,
    [ENV.sessionsTable]: options.tables.sessions,
    [ENV.revokedTokensTable]: options.tables.revokedTokens,
    [ENV.dynamodbEndpoint]: options.endpoint,
    [ENV.localKeyDir]: options.dataDir,
  };
}
