/**
 * Configuration of `npm start`, read once from environment variables: the
 * local server's own settings (`settings.ts`) and every function setting,
 * all checked before it serves, so a bad value stops the server at start
 * with one sentence naming the variable instead of failing requests.
 */
import { resolve } from 'node:path';
import {
  ConfigError,
  type Env,
  type FunctionSettings,
  readFunctionSettings,
  readTokenSettings,
  type TokenSettings,
} from '../lambdas/config';
import { EMAIL_SETTINGS } from '../lambdas/contract/email-settings';
import { envNames, settingsFromEnv } from '../lambdas/contract/setting-values';
import { LOCAL_SETTINGS } from './settings';

export { ConfigError };

/** The local server's own variables; the handlers' variables are in `ENV`. */
export const LOCAL_ENV = envNames(LOCAL_SETTINGS);

export const LOCAL_DEFAULTS = {
  port: LOCAL_SETTINGS.port.default,
  dataDir: LOCAL_SETTINGS.dataDir.default,
} as const;

/** The server listens on loopback only: local mode is for this machine. */
export const LOCAL_HOST = '127.0.0.1';

/** Largest request body read; API Gateway's own limit (10 MB) is far above anything this API takes. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface LocalConfig {
  port: number;
  /** Absolute path of the folder holding the embedded database and the signing key. */
  dataDir: string;
  /** An external DynamoDB-compatible endpoint; unset: the embedded engine. */
  dynamodbEndpoint?: string;
  tokens: TokenSettings;
  /** Key files in `dataDir`, the signing one first; unset: the single default key. */
  signingKeyFiles?: string[];
  /** Browser origins allowed by CORS; empty: none. */
  corsOrigins: string[];
  /** The shared secret of the outbox route (`outbox-route.ts`); unset: no such route. */
  outboxSecret?: string;
  /** The shared secret of the `iam` routes; unset: nobody may call them. */
  introspectionSecret?: string;
}

/** Reads and checks the local server's configuration and every function setting; relative paths are from `cwd`. */
export function readLocalConfig(env: Env = process.env, cwd: string = process.cwd()): LocalConfig {
  const local = settingsFromEnv(LOCAL_SETTINGS, env);
  const settings: FunctionSettings = readFunctionSettings(env);
  // The e-mail functions' settings too (npm start fills in the sender and the link's page).
  settingsFromEnv(EMAIL_SETTINGS, env);
  const signingKeyFiles = local.signingKeys ?? [];
  return {
    port: local.port,
    dataDir: resolve(cwd, local.dataDir),
    ...(settings.dynamodbEndpoint ? { dynamodbEndpoint: settings.dynamodbEndpoint } : {}),
    tokens: readTokenSettings(env),
    ...(signingKeyFiles.length > 0 ? { signingKeyFiles } : {}),
    corsOrigins: settings.corsOrigins ?? [],
    ...(local.introspectionSecret ? { introspectionSecret: local.introspectionSecret } : {}),
    ...(local.outboxSecret ? { outboxSecret: local.outboxSecret } : {}),
  };
}
