/**
 * The environment the handler modules read at load, as the CDK stack sets it
 * in AWS. The local server sets it once before the first handler loads; the
 * gateway itself never touches `process.env`.
 */
import { join } from 'node:path';
import { ENV, type Env, LEGACY_DEFAULT_ISSUER } from '../lambdas/config';
import { type TableNames, tableEnvironment, tableNamesIn } from '../lambdas/contract/tables';
import { EMAIL_ENV } from '../lambdas/email-config';
import type { LocalCredential } from './request-signature';
import { LOCAL_TABLE_NAMES } from './tables';

/** Loopback engines (embedded, DynamoDB Local, LocalStack) accept any credentials. */
export const DUMMY_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** Table names: the variables when set (an external endpoint may use others), else the local names. */
export function tableNames(env: Env): TableNames {
  return tableNamesIn(env, LOCAL_TABLE_NAMES);
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

/**
 * The token issuer is the server's base URL unless `TOKEN_ISSUER` says
 * otherwise. Accepted besides it, unless `TOKEN_ACCEPTED_ISSUERS` names the
 * list itself: the issuers this data folder served under before (another
 * port; `issuers.ts`) and, when `TOKEN_ISSUER` is unset, the old default
 * `serverless-jwt-auth` (a data folder from before the issuer became a URL).
 * Introspection callers use the shared secret (`iam-stand-in.ts`), and the
 * metadata says so.
 */
function oauthEnv(env: Env, baseUrl: string, earlierIssuers: readonly string[]): Env {
  const configured = env[ENV.issuer]?.trim();
  const accepted = [...(configured ? [] : [LEGACY_DEFAULT_ISSUER]), ...earlierIssuers];
  return {
    [ENV.issuer]: configured || baseUrl,
    ...(env[ENV.acceptedIssuers] !== undefined || accepted.length === 0
      ? {}
      : { [ENV.acceptedIssuers]: [...new Set(accepted)].join(',') }),
    [ENV.introspectionAuthMethod]: 'client_secret_basic',
  };
}

/**
 * The embedded engine's per-start credential as the AWS SDK reads it: the
 * handlers sign their requests with it (local/request-signature.ts). It
 * replaces any AWS credentials of the shell for the handlers.
 */
export function credentialEnv(env: Env, credential: LocalCredential): Env {
  return {
    ...(env.AWS_REGION || env.AWS_DEFAULT_REGION ? {} : { AWS_REGION: DUMMY_AWS_ENV.AWS_REGION }),
    AWS_ACCESS_KEY_ID: credential.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credential.secretAccessKey,
  };
}

/** Where local mode's messages go: `DATA_DIR/outbox/`. */
export function localOutboxDir(dataDir: string): string {
  return join(dataDir, 'outbox');
}

/** The sender of local mode's messages, unless `EMAIL_FROM` names another. */
export const LOCAL_EMAIL_FROM = 'no-reply@localhost';

/**
 * Local mode always has e-mail: messages go to `DATA_DIR/outbox/` as .eml
 * files (`lambdas/mail/outbox.ts`), and their links open the demo page unless
 * `EMAIL_LINK_BASE_URL` names another.
 */
export function localEmailEnv(env: Env, dataDir: string, baseUrl: string): Env {
  return {
    [EMAIL_ENV.emailFrom]: env[EMAIL_ENV.emailFrom]?.trim() || LOCAL_EMAIL_FROM,
    [EMAIL_ENV.emailLinkBaseUrl]: env[EMAIL_ENV.emailLinkBaseUrl]?.trim() || `${baseUrl}/`,
    [EMAIL_ENV.emailOutboxDir]: localOutboxDir(dataDir),
  };
}

/** The variables to set for the handlers. The signing key lives in the data folder so tokens survive restarts. */
export function handlerEnvironment(options: {
  env: Env;
  dataDir: string;
  endpoint: string;
  /** The embedded engine's credential; absent for an external endpoint. */
  credential?: LocalCredential;
  tables: TableNames;
  /** `http://127.0.0.1:PORT`: the default token issuer. */
  baseUrl?: string;
  /** Issuers this data folder served under before (`issuers.ts`). */
  earlierIssuers?: readonly string[];
}): Env {
  return {
    ...(options.baseUrl
      ? {
          ...oauthEnv(options.env, options.baseUrl, options.earlierIssuers ?? []),
          ...localEmailEnv(options.env, options.dataDir, options.baseUrl),
        }
      : {}),
    ...(options.credential
      ? credentialEnv(options.env, options.credential)
      : dummyAwsEnv(options.env, options.endpoint)),
    ...tableEnvironment(options.tables),
    [ENV.dynamodbEndpoint]: options.endpoint,
    [ENV.localKeyDir]: options.dataDir,
  };
}
