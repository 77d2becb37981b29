/**
 * Run-time configuration of every function, read once per instance from
 * environment variables. The variable names live here alone: the CDK stack and
 * the local server set them from {@link ENV}. A missing required variable
 * fails the cold start instead of the first request.
 */
import { parsePublicKeySet } from './signing/key-set';
import type { PublicJwk } from './signing/signer';

export const ENV = {
  usersTable: 'USERS_TABLE',
  sessionsTable: 'SESSIONS_TABLE',
  revokedTokensTable: 'REVOKED_TOKENS_TABLE',
  /** Failed-login counts per username (the lockout). */
  loginAttemptsTable: 'LOGIN_ATTEMPTS_TABLE',
  /** KMS key id, ARN or alias of the ES256 signing key (deployed). */
  kmsKeyId: 'SIGNING_KMS_KEY_ID',
  /**
   * JSON array of the public JWKs verifiers trust, handed over at deploy time
   * (public keys are not secret): the current signing key, and during a
   * rotation the previous one. Unset (local mode): the signer's own key.
   */
  publicKeys: 'SIGNING_PUBLIC_KEYS',
  /** `kid` of the key that signs now; one of {@link ENV.publicKeys}. Optional with a set of one. */
  currentKid: 'SIGNING_CURRENT_KID',
  /** Folder holding the local ES256 key pair (local mode); used when no KMS key is set. */
  localKeyDir: 'SIGNING_KEY_DIR',
  /** File name of the local key that signs, in {@link ENV.localKeyDir}; default `signing-key.pem`. */
  localKeyFile: 'SIGNING_KEY_FILE',
  /**
   * KMS key id or ARN of the HMAC_256 key behind opaque refresh tokens
   * (deployed). Unset: the key file in {@link ENV.localKeyDir} (local mode),
   * or, with neither, opaque refresh tokens are neither read nor issued.
   */
  refreshTokenKeyId: 'REFRESH_TOKEN_KMS_KEY_ID',
  /** The refresh tokens issued: `opaque` (default) or `jwt`; both are always accepted. */
  refreshTokenFormat: 'REFRESH_TOKEN_FORMAT',
  issuer: 'TOKEN_ISSUER',
  /**
   * Comma-separated issuers accepted besides TOKEN_ISSUER (never issued): the
   * old default `serverless-jwt-auth` while tokens issued before the issuer
   * became the API URL are still alive (docs/deploy.md).
   */
  acceptedIssuers: 'TOKEN_ACCEPTED_ISSUERS',
  /** `client_secret_basic` in local mode; unset: `aws_sigv4` (IAM), as the metadata says. */
  introspectionAuthMethod: 'OAUTH_INTROSPECTION_AUTH_METHOD',
  audience: 'TOKEN_AUDIENCE',
  accessTokenTtl: 'ACCESS_TOKEN_TTL_SECONDS',
  refreshTokenTtl: 'REFRESH_TOKEN_TTL_SECONDS',
  signupOpen: 'SIGNUP_OPEN',
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  /** Comma-separated browser origins allowed by CORS, or `*`; unset = no CORS headers. */
  corsOrigins: 'CORS_ALLOWED_ORIGINS',
  /** log2 of scrypt's N; unset = OWASP's 17. Tests lower it for speed; never set in AWS. */
  passwordHashCost: 'PASSWORD_SCRYPT_LOG2_N',
  /** Powertools: `service` of every log line and metric; default serverless-jwt-auth. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools Logger: DEBUG, INFO (default), WARN or ERROR. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Powertools Logger: fraction (0–1) of invocations logged at DEBUG. */
  logDebugSampleRate: 'POWERTOOLS_LOGGER_SAMPLE_RATE',
  /** Powertools Metrics: CloudWatch namespace; default ServerlessJwtAuth. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Seconds a just-rotated refresh token still gets its successor pair (0-60; 0 = strict). */
  refreshGraceSeconds: 'REFRESH_GRACE_SECONDS',
  /** Live sessions a user may have; a login beyond it ends the oldest (1-1000, default 100). */
  maxSessionsPerUser: 'MAX_SESSIONS_PER_USER',
  /** Consecutive failed logins of a username before it is locked (1-100, default 5). */
  loginLockoutThreshold: 'LOGIN_LOCKOUT_THRESHOLD',
  /** The longest lock of a username, in seconds (1-3600, default 900). */
  loginLockoutMaxSeconds: 'LOGIN_LOCKOUT_MAX_SECONDS',
} as const;

export const DEFAULTS = {
  issuer: 'serverless-jwt-auth',
  audience: 'serverless-jwt-auth',
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 60 * 60,
  refreshGraceSeconds: 30,
  maxSessionsPerUser: 100,
  loginLockoutThreshold: 5,
  loginLockoutMaxSeconds: 15 * 60,
} as const;

/** The bounds of the lockout settings: a lock of more than an hour is a denial of service. */
export const LOGIN_LOCKOUT_RANGE = {
  threshold: { min: 1, max: 100 },
  maxLockSeconds: { min: 1, max: 3600 },
} as const;

/**
 * The issuer every token carried before the issuer became the API's URL.
 * The stack and local mode still accept it (never issue it) where no issuer
 * was configured, so tokens issued before an upgrade keep working.
 */
export const LEGACY_DEFAULT_ISSUER = 'serverless-jwt-auth';

/** The bounds of the refresh grace window, in seconds (Cognito's RetryGracePeriodSeconds has the same). */
export const REFRESH_GRACE_RANGE = { min: 0, max: 60 } as const;

/**
 * Upper bound of `maxSessionsPerUser`: password change and logout-all revoke
 * every session within one Lambda invocation, and the sessions list reads
 * them all.
 */
export const MAX_SESSIONS_PER_USER_LIMIT = 1000;

export interface TokenSettings {
  /** The `iss` of every token issued. */
  issuer: string;
  /** Issuers also accepted when verifying (never issued); usually empty. */
  acceptedIssuers?: readonly string[];
  audience: string;
  accessTokenTtlSeconds: number;
  /** Absolute session lifetime, counted from login; refresh never extends it. */
  refreshTokenTtlSeconds: number;
}

/** What a refresh token issued now looks like (docs/design.md, "Tokens"). */
export const REFRESH_TOKEN_FORMATS = ['jwt', 'opaque'] as const;
export type RefreshTokenFormat = (typeof REFRESH_TOKEN_FORMATS)[number];
export const DEFAULT_REFRESH_TOKEN_FORMAT: RefreshTokenFormat = 'jwt';

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
  | { kind: 'local'; keyDir: string; keyFile?: string };

/** The public keys verifiers trust, and which of them signs. */
export interface KeySetSettings {
  keys: PublicJwk[];
  /** The key tokens are signed with; always one of `keys`. */
  current: PublicJwk;
}

export interface AppConfig {
  tables: { users: string; sessions: string; revokedTokens: string; loginAttempts: string };
  tokens: TokenSettings;
  signing: SigningSettings;
  refreshTokens: RefreshTokenSettings;
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
  /** Per-username login throttling (`auth/lockout.ts`). */
  lockout: { threshold: number; maxLockSeconds: number };
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  dynamodbEndpoint?: string;
  /** Browser origins allowed by CORS (`*` for any); empty: no CORS headers. */
  corsOrigins: string[];
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`Environment variable ${name} is required.`);
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`Environment variable ${name} must be a positive integer, got "${raw}".`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`Environment variable ${name} must be true or false, got "${raw}".`);
}

/** {@link ENV.acceptedIssuers} as `{acceptedIssuers}`, or nothing when it names none. */
function readAcceptedIssuers(env: Env): Pick<TokenSettings, 'acceptedIssuers'> {
  const issuers = (env[ENV.acceptedIssuers] ?? '')
    .split(',')
    .map((issuer) => issuer.trim())
    .filter((issuer) => issuer.length > 0);
  return issuers.length > 0 ? { acceptedIssuers: issuers } : {};
}

export function readTokenSettings(env: Env): TokenSettings {
  const settings = {
    issuer: env[ENV.issuer]?.trim() || DEFAULTS.issuer,
    ...readAcceptedIssuers(env),
    audience: env[ENV.audience]?.trim() || DEFAULTS.audience,
    accessTokenTtlSeconds: positiveInteger(env, ENV.accessTokenTtl, DEFAULTS.accessTokenTtlSeconds),
    refreshTokenTtlSeconds: positiveInteger(
      env,
      ENV.refreshTokenTtl,
      DEFAULTS.refreshTokenTtlSeconds,
    ),
  };
  if (settings.accessTokenTtlSeconds > settings.refreshTokenTtlSeconds) {
    throw new ConfigError(`${ENV.accessTokenTtl} must not exceed ${ENV.refreshTokenTtl}.`);
  }
  return settings;
}

/** The refresh grace window of {@link ENV.refreshGraceSeconds}, checked against {@link REFRESH_GRACE_RANGE}. */
export function readRefreshGraceSeconds(env: Env): number {
  const raw = env[ENV.refreshGraceSeconds]?.trim();
  if (!raw) return DEFAULTS.refreshGraceSeconds;
  const value = Number(raw);
  const { min, max } = REFRESH_GRACE_RANGE;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `Environment variable ${ENV.refreshGraceSeconds} must be an integer from ${min} to ${max}, got "${raw}".`,
    );
  }
  return value;
}

/** The CORS origins of {@link ENV.corsOrigins}: empty when unset. */
export function readCorsOrigins(env: Env): string[] {
  return (env[ENV.corsOrigins] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}

function readSigningSettings(env: Env): SigningSettings {
  const keyId = env[ENV.kmsKeyId]?.trim();
  if (keyId) return { kind: 'kms', keyId };
  const keyDir = env[ENV.localKeyDir]?.trim();
  const keyFile = env[ENV.localKeyFile]?.trim();
  if (keyDir) return { kind: 'local', keyDir, ...(keyFile ? { keyFile } : {}) };
  throw new ConfigError(`Set ${ENV.kmsKeyId} (AWS) or ${ENV.localKeyDir} (local mode).`);
}

export function readRefreshTokenSettings(env: Env, signing: SigningSettings): RefreshTokenSettings {
  const raw = env[ENV.refreshTokenFormat]?.trim();
  const format = raw
    ? REFRESH_TOKEN_FORMATS.find((name) => name === raw)
    : DEFAULT_REFRESH_TOKEN_FORMAT;
  if (!format) {
    throw new ConfigError(
      `Environment variable ${ENV.refreshTokenFormat} must be ${REFRESH_TOKEN_FORMATS.join(' or ')}, got "${raw}".`,
    );
  }
  const keyId = env[ENV.refreshTokenKeyId]?.trim();
  const key: RefreshTokenKeySettings | undefined = keyId
    ? { kind: 'kms', keyId }
    : signing.kind === 'local'
      ? { kind: 'local', keyDir: signing.keyDir }
      : undefined;
  if (format === 'opaque' && !key) {
    throw new ConfigError(`${ENV.refreshTokenFormat}=opaque needs ${ENV.refreshTokenKeyId}.`);
  }
  return { format, ...(key ? { key } : {}) };
}

function readMaxSessionsPerUser(env: Env): number {
  const value = positiveInteger(env, ENV.maxSessionsPerUser, DEFAULTS.maxSessionsPerUser);
  if (value > MAX_SESSIONS_PER_USER_LIMIT) {
    throw new ConfigError(
      `Environment variable ${ENV.maxSessionsPerUser} must be at most ${MAX_SESSIONS_PER_USER_LIMIT}, got ${value}.`,
    );
  }
  return value;
}

function readKeySet(env: Env): KeySetSettings | undefined {
  const raw = env[ENV.publicKeys]?.trim();
  const currentKid = env[ENV.currentKid]?.trim();
  if (!raw) {
    if (currentKid) throw new ConfigError(`${ENV.currentKid} needs ${ENV.publicKeys}.`);
    return undefined;
  }
  let keys: PublicJwk[];
  try {
    keys = parsePublicKeySet(raw);
  } catch (error) {
    throw new ConfigError(`${ENV.publicKeys}: ${(error as Error).message}`);
  }
  const [only] = keys;
  const current = currentKid ? keys.find((key) => key.kid === currentKid) : only;
  if (!current || (!currentKid && keys.length > 1)) {
    throw new ConfigError(`${ENV.currentKid} must name one key of ${ENV.publicKeys}.`);
  }
  return { keys, current };
}

function integerIn(
  env: Env,
  name: string,
  fallback: number,
  { min, max }: { min: number; max: number },
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}".`,
    );
  }
  return value;
}

/** The lockout thresholds of {@link ENV.loginLockoutThreshold} and {@link ENV.loginLockoutMaxSeconds}. */
export function readLockout(env: Env): AppConfig['lockout'] {
  return {
    threshold: integerIn(
      env,
      ENV.loginLockoutThreshold,
      DEFAULTS.loginLockoutThreshold,
      LOGIN_LOCKOUT_RANGE.threshold,
    ),
    maxLockSeconds: integerIn(
      env,
      ENV.loginLockoutMaxSeconds,
      DEFAULTS.loginLockoutMaxSeconds,
      LOGIN_LOCKOUT_RANGE.maxLockSeconds,
    ),
  };
}

/** Reads and checks the whole configuration. */
export function loadConfig(env: Env = process.env): AppConfig {
  const endpoint = env[ENV.dynamodbEndpoint]?.trim();
  const keySet = readKeySet(env);
  const signing = readSigningSettings(env);
  return {
    tables: {
      users: required(env, ENV.usersTable),
      sessions: required(env, ENV.sessionsTable),
      revokedTokens: required(env, ENV.revokedTokensTable),
      loginAttempts: required(env, ENV.loginAttemptsTable),
    },
    tokens: readTokenSettings(env),
    signing,
    refreshTokens: readRefreshTokenSettings(env, signing),
    ...(keySet ? { keySet } : {}),
    signupOpen: flag(env, ENV.signupOpen, true),
    refreshGraceSeconds: readRefreshGraceSeconds(env),
    corsOrigins: readCorsOrigins(env),
    maxSessionsPerUser: readMaxSessionsPerUser(env),
    lockout: readLockout(env),
    ...(endpoint ? { dynamodbEndpoint: endpoint } : {}),
  };
}
