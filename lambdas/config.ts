/**
 * Run-time configuration of every function, read once per instance from
 * environment variables. Every setting is declared once in
 * `contract/settings.ts` (variable, bounds, default) and every table in
 * `contract/tables.ts`; this module parses all of them at cold start, so a
 * missing or bad value fails the instance, never a request.
 */
import { ConfigError, envNames, settingsFromEnv, type Values } from './contract/setting-values';
import { FUNCTION_SETTINGS } from './contract/settings';
import { type TableNames, tableNamesIn } from './contract/tables';
import {
  type Env,
  type KeySetSettings,
  LEGACY_DEFAULT_ISSUER,
  readKeySet,
  type VerifiedTokenSettings,
  verifiedTokenSettings,
} from './verifier-config';

export { ConfigError, type Env, type KeySetSettings, LEGACY_DEFAULT_ISSUER };

/** The variable of each function setting, by setting name. */
export const ENV = envNames(FUNCTION_SETTINGS);

/** The parsed value of every function setting. */
export type FunctionSettings = Values<typeof FUNCTION_SETTINGS>;

/**
 * The default of every function setting that has one. Built in a call marked
 * pure so that a bundle that never reads it (the authorizer's, near its
 * ceiling) leaves it out: esbuild keeps a plain object of property reads.
 */
export const DEFAULTS = /* @__PURE__ */ (() => ({
  audience: FUNCTION_SETTINGS.audience.default,
  accessTokenTtlSeconds: FUNCTION_SETTINGS.accessTokenTtlSeconds.default,
  refreshTokenTtlSeconds: FUNCTION_SETTINGS.refreshTokenTtlSeconds.default,
  refreshGraceSeconds: FUNCTION_SETTINGS.refreshGraceSeconds.default,
  maxSessionsPerUser: FUNCTION_SETTINGS.maxSessionsPerUser.default,
  loginLockoutThreshold: FUNCTION_SETTINGS.loginLockoutThreshold.default,
  loginLockoutMaxSeconds: FUNCTION_SETTINGS.loginLockoutMaxSeconds.default,
  loginAccountCeilingPerHour: FUNCTION_SETTINGS.loginAccountCeilingPerHour.default,
}))();

export interface TokenSettings extends VerifiedTokenSettings {
  /** The `client_id` of every access token issued (RFC 9068). */
  clientId: string;
}

/** What a refresh token issued now looks like (docs/design.md, "Tokens"). */
export const REFRESH_TOKEN_FORMATS = FUNCTION_SETTINGS.refreshTokenFormat.choices;
export type RefreshTokenFormat = (typeof REFRESH_TOKEN_FORMATS)[number];
export const DEFAULT_REFRESH_TOKEN_FORMAT: RefreshTokenFormat =
  FUNCTION_SETTINGS.refreshTokenFormat.default;

/** Where the HMAC key of opaque refresh tokens comes from. */
export type RefreshTokenKeySettings =
  | { kind: 'kms'; keyId: string }
  | { kind: 'local'; keyDir: string };

export interface RefreshTokenSettings {
  format: RefreshTokenFormat;
  /** Absent: opaque refresh tokens are refused (a deployment without the key). */
  key?: RefreshTokenKeySettings;
}

export type SigningSettings =
  | { kind: 'kms'; keyId: string }
  /** Envelope mode: a private key KMS encrypted, decrypted once per instance (docs/deploy.md). */
  | { kind: 'envelope'; keyId: string; ciphertext: string }
  | { kind: 'local'; keyDir: string; keyFile?: string };

/** What roles grant, and who gets which at registration (`auth/roles.ts`). */
export interface RoleSettings {
  /** Role → the scopes it grants; a role absent from it grants the scope of its own name. */
  scopes: Record<string, string[]>;
  /** The roles of every new user. */
  defaultRoles: string[];
}

export interface AppConfig {
  tables: TableNames;
  tokens: TokenSettings;
  roles: RoleSettings;
  signing: SigningSettings;
  refreshTokens: RefreshTokenSettings;
  /**
   * The KMS key of the TOTP secrets (deployed). Absent: local mode's key file
   * beside the signing key, and no TOTP at all elsewhere (`runtime.ts`).
   */
  totpKeyId?: string;
  /** Set when the public keys were handed over at deploy time (see {@link ENV.publicKeys}). */
  keySet?: KeySetSettings;
  signupOpen: boolean;
  /**
   * How long a refresh token just rotated away still answers with the pair
   * that replaced it (concurrent tabs, retries); 0 = any second use is reuse.
   */
  refreshGraceSeconds: number;
  /** Live sessions per user; login ends the oldest beyond it. */
  maxSessionsPerUser: number;
  /** Login throttling per account and address (`auth/lockout.ts`). */
  lockout: { threshold: number; maxLockSeconds: number; accountCeilingPerHour: number };
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  dynamodbEndpoint?: string;
  /** Browser origins allowed by CORS (`*` for any); empty: no CORS headers. */
  corsOrigins: string[];
  /** log2 of scrypt's N when a test or local mode lowers it; unset: OWASP's parameters. */
  passwordHashCost?: number;
  /** How introspection callers authenticate, as the metadata document says. */
  introspectionAuthMethod: 'aws_sigv4' | 'client_secret_basic';
}

/** The token settings of parsed function settings. */
function tokenSettings(settings: FunctionSettings): TokenSettings {
  return {
    ...verifiedTokenSettings(settings),
    clientId: settings.clientId ?? settings.audience,
  };
}

/** Parses and checks every function setting (not the tables): what `npm start` checks before it serves. */
export function readFunctionSettings(env: Env): FunctionSettings {
  const settings = settingsFromEnv(FUNCTION_SETTINGS, env);
  tokenSettings(settings);
  // A deployed function signs with KMS: never let a stray variable weaken its hashes.
  if (settings.passwordHashCost !== undefined && settings.kmsKeyId) {
    throw new ConfigError(
      `${ENV.passwordHashCost} is for tests and local mode only; it is refused with ${ENV.kmsKeyId}.`,
    );
  }
  readKeySet(settings);
  return settings;
}

/** The token settings of an environment, checked. */
export function readTokenSettings(env: Env): TokenSettings {
  return tokenSettings(settingsFromEnv(FUNCTION_SETTINGS, env));
}

function signingSettings(settings: FunctionSettings): SigningSettings {
  const { envelopeKeyId, privateKeyCiphertext } = settings;
  if (envelopeKeyId || privateKeyCiphertext) {
    if (!envelopeKeyId || !privateKeyCiphertext || !settings.publicKeys) {
      throw new ConfigError(
        `Envelope mode needs ${ENV.envelopeKeyId}, ${ENV.privateKeyCiphertext} and ${ENV.publicKeys}.`,
      );
    }
    return { kind: 'envelope', keyId: envelopeKeyId, ciphertext: privateKeyCiphertext };
  }
  if (settings.kmsKeyId) return { kind: 'kms', keyId: settings.kmsKeyId };
  const { localKeyDir: keyDir, localKeyFile: keyFile } = settings;
  if (keyDir) return { kind: 'local', keyDir, ...(keyFile ? { keyFile } : {}) };
  throw new ConfigError(`Set ${ENV.kmsKeyId} (AWS) or ${ENV.localKeyDir} (local mode).`);
}

/**
 * The refresh token format and its key. Unset, the format is opaque wherever
 * there is a key to mint them with (the stack always sets both), else JWT.
 */
function refreshTokenSettings(
  settings: FunctionSettings,
  signing: SigningSettings,
  env: Env,
): RefreshTokenSettings {
  const keyId = settings.refreshTokenKeyId;
  const key: RefreshTokenKeySettings | undefined = keyId
    ? { kind: 'kms', keyId }
    : signing.kind === 'local'
      ? { kind: 'local', keyDir: signing.keyDir }
      : undefined;
  const explicit = Boolean(env[ENV.refreshTokenFormat]?.trim());
  const format = explicit || key ? settings.refreshTokenFormat : 'jwt';
  if (format === 'opaque' && !key) {
    throw new ConfigError(`${ENV.refreshTokenFormat}=opaque needs ${ENV.refreshTokenKeyId}.`);
  }
  return { format, ...(key ? { key } : {}) };
}

/** The lockout thresholds of parsed settings. */
export function lockoutSettings(settings: FunctionSettings): AppConfig['lockout'] {
  return {
    threshold: settings.loginLockoutThreshold,
    maxLockSeconds: settings.loginLockoutMaxSeconds,
    accountCeilingPerHour: settings.loginAccountCeilingPerHour,
  };
}

/** Reads and checks the whole configuration: every setting and every table. */
export function loadConfig(env: Env = process.env): AppConfig {
  const settings = readFunctionSettings(env);
  const keySet = readKeySet(settings);
  const signing = signingSettings(settings);
  return {
    tables: tableNamesIn(env),
    tokens: tokenSettings(settings),
    roles: { scopes: settings.roles ?? {}, defaultRoles: settings.defaultRoles ?? [] },
    signing,
    refreshTokens: refreshTokenSettings(settings, signing, env),
    ...(settings.totpKeyId ? { totpKeyId: settings.totpKeyId } : {}),
    ...(keySet ? { keySet } : {}),
    signupOpen: settings.signupOpen,
    refreshGraceSeconds: settings.refreshGraceSeconds,
    corsOrigins: settings.corsOrigins ?? [],
    maxSessionsPerUser: settings.maxSessionsPerUser,
    lockout: lockoutSettings(settings),
    ...(settings.dynamodbEndpoint ? { dynamodbEndpoint: settings.dynamodbEndpoint } : {}),
    ...(settings.passwordHashCost !== undefined
      ? { passwordHashCost: settings.passwordHashCost }
      : {}),
    introspectionAuthMethod:
      settings.introspectionAuthMethod as AppConfig['introspectionAuthMethod'],
  };
}
