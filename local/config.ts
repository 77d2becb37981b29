/**
 * Configuration of `npm start`, read once from environment variables. The
 * token settings are the stack's own (`lambdas/config.ts`), checked here so a
 * bad value stops the server at start instead of failing every login.
 */
import { resolve } from 'node:path';
import {
  ConfigError,
  ENV,
  type Env,
  readRefreshGraceSeconds,
  readTokenSettings,
  type TokenSettings,
} from '../lambdas/config';

/** The local server's own variables; the handlers' variables are in `ENV`. */
export const LOCAL_ENV = {
  port: 'PORT',
  dataDir: 'DATA_DIR',
  /** The handlers read the same variable. */
  dynamodbEndpoint: ENV.dynamodbEndpoint,
} as const;

export const LOCAL_DEFAULTS = { port: 3000, dataDir: '.data' } as const;

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
}

function readPort(env: Env): number {
  const raw = env[LOCAL_ENV.port]?.trim();
  if (!raw) return LOCAL_DEFAULTS.port;
  const port = Number(raw);
  // 0 asks the system for a free port.
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${LOCAL_ENV.port} must be a port number (0-65535), got "${raw}".`);
  }
  return port;
}

function readEndpoint(env: Env): string | undefined {
  const raw = env[LOCAL_ENV.dynamodbEndpoint]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${LOCAL_ENV.dynamodbEndpoint} must be a URL, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${LOCAL_ENV.dynamodbEndpoint} must be an http(s) URL, got "${raw}".`);
  }
  return raw;
}

/** Reads and checks the local server's configuration; relative paths are from `cwd`. */
export function readLocalConfig(env: Env = process.env, cwd: string = process.cwd()): LocalConfig {
  const endpoint = readEndpoint(env);
  // Checked at start like the token settings; the handlers read it themselves.
  readRefreshGraceSeconds(env);
  return {
    port: readPort(env),
    dataDir: resolve(cwd, env[LOCAL_ENV.dataDir]?.trim() || LOCAL_DEFAULTS.dataDir),
    ...(endpoint ? { dynamodbEndpoint: endpoint } : {}),
    tokens: readTokenSettings(env),
  };
}
