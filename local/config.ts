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
  /**
   * Key files in DATA_DIR making a key set, the signing one first (a key
   * rotation, docs/local-mode.md); unset: `signing-key.pem` alone.
   */
  signingKeys: 'LOCAL_SIGNING_KEYS',
} as const;

/** A key file name inside DATA_DIR: no path, a `.pem` extension. */
const KEY_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}\.pem$/;
/** As many keys as the stack allows: current, previous and next. */
const MAX_LOCAL_SIGNING_KEYS = 3;

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
  /** Key files in `dataDir`, the signing one first; unset: the single default key. */
  signingKeyFiles?: string[];
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

function readSigningKeyFiles(env: Env): string[] | undefined {
  const raw = env[LOCAL_ENV.signingKeys]?.trim();
  if (!raw) return undefined;
  const files = raw.split(',').map((file) => file.trim());
  for (const file of files) {
    if (!KEY_FILE.test(file)) {
      throw new ConfigError(
        `${LOCAL_ENV.signingKeys} must list key file names in DATA_DIR ending in .pem (letters, digits, ".", "_", "-"), got "${file}".`,
      );
    }
  }
  if (new Set(files).size !== files.length) {
    throw new ConfigError(`${LOCAL_ENV.signingKeys} names a key file twice: "${raw}".`);
  }
  if (files.length > MAX_LOCAL_SIGNING_KEYS) {
    throw new ConfigError(
      `${LOCAL_ENV.signingKeys} lists ${files.length} keys; at most ${MAX_LOCAL_SIGNING_KEYS}.`,
    );
  }
  return files;
}

/** Reads and checks the local server's configuration; relative paths are from `cwd`. */
export function readLocalConfig(env: Env = process.env, cwd: string = process.cwd()): LocalConfig {
  const endpoint = readEndpoint(env);
  const signingKeyFiles = readSigningKeyFiles(env);
  // Checked at start like the token settings; the handlers read it themselves.
  readRefreshGraceSeconds(env);
  return {
    port: readPort(env),
    dataDir: resolve(cwd, env[LOCAL_ENV.dataDir]?.trim() || LOCAL_DEFAULTS.dataDir),
    ...(endpoint ? { dynamodbEndpoint: endpoint } : {}),
    tokens: readTokenSettings(env),
    ...(signingKeyFiles ? { signingKeyFiles } : {}),
  };
}
