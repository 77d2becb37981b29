/**
 * Every setting the functions read, declared once as plain data: its
 * environment variable, its CDK context key when the stack sets it from one,
 * its type, default and bounds, and a one-line doc comment (a comment, not a
 * string: this data is in every function bundle, the authorizer's near its
 * ceiling). The functions
 * parse all of them at cold start (`lambdas/config.ts`), `npm start` before it
 * serves (`local/config.ts`), the stack from its context (`lib/config.ts`),
 * each with the one parser of `setting-values.ts`; a bound exists here alone.
 * The stack's own settings are in `lib/stack-settings.ts`, the local server's
 * in `local/settings.ts`: same shape, kept out of the function bundles.
 *
 * Adding a setting is one entry here; the docs' settings tables are checked
 * against this list (test/unit/settings.test.ts). Bounds stay low enough for
 * tests to use short lifetimes. Plain data only: bundled into every function.
 */
import { DEFAULT_METRICS_NAMESPACE, SERVICE_NAME } from './metrics';
import type { Registry } from './setting-values';

const DAY = 24 * 60 * 60;

/**
 * Signing keys in a key set: the current one, the previous one, and one
 * published ahead of its turn. More would only crowd Lambda's 4 KB of
 * environment (each public key is about 200 bytes of SIGNING_PUBLIC_KEYS).
 */
export const MAX_SIGNING_KEYS = 3;

export const FUNCTION_SETTINGS = {
  /** The refresh tokens issued: `opaque` (unset: where a key is configured) or `jwt`; both are always accepted. */
  refreshTokenFormat: {
    env: 'REFRESH_TOKEN_FORMAT',
    context: 'refreshTokenFormat',
    type: 'choice',
    choices: ['jwt', 'opaque'],
    default: 'opaque',
  },
  /** KMS HMAC_256 key of opaque refresh tokens (deployed); local mode: a key file. */
  refreshTokenKeyId: {
    env: 'REFRESH_TOKEN_KMS_KEY_ID',
    type: 'string',
  },
  /** KMS symmetric key the TOTP secrets are encrypted under (deployed); local mode: a key file. */
  totpKeyId: {
    env: 'TOTP_SECRET_KMS_KEY_ID',
    type: 'string',
  },
  /** `iss` of issued tokens, checked on verification; the stack and npm start default to the API URL. */
  issuer: {
    env: 'TOKEN_ISSUER',
    context: 'issuer',
    type: 'string',
  },
  /** Issuers also accepted on verification, never issued. */
  acceptedIssuers: {
    env: 'TOKEN_ACCEPTED_ISSUERS',
    context: 'acceptedIssuers',
    type: 'list',
  },
  /** `aud` of issued tokens, checked on verification. */
  audience: {
    env: 'TOKEN_AUDIENCE',
    context: 'audience',
    type: 'string',
    default: 'serverless-jwt-auth',
  },
  /** Access token lifetime, not above the refresh lifetime. */
  accessTokenTtlSeconds: {
    env: 'ACCESS_TOKEN_TTL_SECONDS',
    context: 'accessTokenTtlSeconds',
    type: 'int',
    default: 15 * 60,
    min: 1,
    max: DAY,
  },
  /** Absolute session lifetime, counted from login. */
  refreshTokenTtlSeconds: {
    env: 'REFRESH_TOKEN_TTL_SECONDS',
    context: 'refreshTokenTtlSeconds',
    type: 'int',
    default: 30 * DAY,
    min: 60,
    max: 365 * DAY,
  },
  /** How long a refresh token just rotated away still gets its successor pair; 0 = strict. */
  refreshGraceSeconds: {
    env: 'REFRESH_GRACE_SECONDS',
    context: 'refreshGraceSeconds',
    type: 'int',
    default: 30,
    // Cognito's RetryGracePeriodSeconds has the same bounds.
    min: 0,
    max: 60,
  },
  /** Whether `POST /auth/register` accepts new users. */
  signupOpen: {
    env: 'SIGNUP_OPEN',
    context: 'signupOpen',
    type: 'bool',
    default: true,
  },
  /** Live sessions a user may have; a login beyond it ends the oldest. */
  maxSessionsPerUser: {
    env: 'MAX_SESSIONS_PER_USER',
    context: 'maxSessionsPerUser',
    type: 'int',
    default: 100,
    // Password change and logout-all revoke every session in one invocation.
    min: 1,
    max: 1000,
  },
  /** Attempts of an (account, client address) pair after which each failure locks that pair. */
  loginLockoutThreshold: {
    env: 'LOGIN_LOCKOUT_THRESHOLD',
    context: 'loginLockoutThreshold',
    type: 'int',
    default: 5,
    min: 1,
    max: 100,
  },
  /** The longest lock of an (account, client address) pair, in seconds. */
  loginLockoutMaxSeconds: {
    env: 'LOGIN_LOCKOUT_MAX_SECONDS',
    context: 'loginLockoutMaxSeconds',
    type: 'int',
    default: 15 * 60,
    // A lock of more than an hour is a denial of service.
    min: 1,
    max: 3600,
  },
  /**
   * Counted login attempts per clock hour on one account over all addresses;
   * addresses with a login on the account in the last 30 days are exempt.
   */
  loginAccountCeilingPerHour: {
    env: 'LOGIN_ACCOUNT_CEILING_PER_HOUR',
    context: 'loginAccountCeilingPerHour',
    type: 'int',
    default: 30,
    min: 1,
    max: 10_000,
  },
  /** Browser origins allowed by CORS, or `*`; none: no CORS headers. */
  corsOrigins: {
    env: 'CORS_ALLOWED_ORIGINS',
    context: 'corsOrigins',
    type: 'origins',
  },
  /** The functions’ log level (Powertools Logger). */
  logLevel: {
    env: 'POWERTOOLS_LOG_LEVEL',
    context: 'logLevel',
    type: 'choice',
    choices: ['DEBUG', 'INFO', 'WARN', 'ERROR'],
    default: 'INFO',
  },
  /** Fraction of invocations logged at DEBUG anyway. */
  logDebugSampleRate: {
    env: 'POWERTOOLS_LOGGER_SAMPLE_RATE',
    context: 'logDebugSampleRate',
    type: 'number',
    default: 0.01,
    min: 0,
    max: 1,
  },
  /** CloudWatch namespace of the application metrics. */
  metricsNamespace: {
    env: 'POWERTOOLS_METRICS_NAMESPACE',
    context: 'metricsNamespace',
    type: 'string',
    default: DEFAULT_METRICS_NAMESPACE,
  },
  /** `service` of every log line and metric. */
  serviceName: {
    env: 'POWERTOOLS_SERVICE_NAME',
    type: 'string',
    default: SERVICE_NAME,
  },
  /** Envelope mode: the symmetric KMS key the signing private key is encrypted under. */
  envelopeKeyId: {
    env: 'SIGNING_ENVELOPE_KMS_KEY_ID',
    type: 'string',
  },
  /** Envelope mode: the signing private key as KMS encrypted it (base64), decrypted once per instance. */
  privateKeyCiphertext: {
    env: 'SIGNING_PRIVATE_KEY_CIPHERTEXT',
    type: 'string',
  },
  /** KMS key id, ARN or alias of the ES256 signing key (deployed). */
  kmsKeyId: {
    env: 'SIGNING_KMS_KEY_ID',
    type: 'string',
  },
  /** JSON array of the public JWKs verifiers trust (deployed: set by the stack). */
  publicKeys: {
    env: 'SIGNING_PUBLIC_KEYS',
    type: 'string',
  },
  /** `kid` of the key that signs now, one of the public keys. */
  currentKid: {
    env: 'SIGNING_CURRENT_KID',
    type: 'string',
  },
  /** Folder of the local ES256 key pair, used when no KMS key is set. */
  localKeyDir: {
    env: 'SIGNING_KEY_DIR',
    type: 'string',
  },
  /** The local key that signs, in the key folder. */
  localKeyFile: {
    env: 'SIGNING_KEY_FILE',
    type: 'string',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}\.pem$/,
    shape: 'a file name ending in .pem',
  },
  /** How introspection callers authenticate, as the metadata says. */
  introspectionAuthMethod: {
    env: 'OAUTH_INTROSPECTION_AUTH_METHOD',
    type: 'choice',
    choices: ['aws_sigv4', 'client_secret_basic'],
    default: 'aws_sigv4',
  },
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  dynamodbEndpoint: {
    env: 'DYNAMODB_ENDPOINT',
    type: 'url',
  },
  /** Log2 of scrypt’s N for tests and local mode; refused with a KMS key (default 17). */
  passwordHashCost: {
    env: 'PASSWORD_SCRYPT_LOG2_N',
    type: 'int',
    min: 1,
    max: 20,
  },
} as const satisfies Registry;

export type FunctionSettingName = keyof typeof FUNCTION_SETTINGS;
