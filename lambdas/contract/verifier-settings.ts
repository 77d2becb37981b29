/**
 * The settings the authorizer reads, declared as every function setting is
 * (`settings.ts`, which includes these), in a module of their own so that
 * the authorizer's bundle carries only them. Plain data only.
 */
import { DEFAULT_METRICS_NAMESPACE, SERVICE_NAME } from './metrics';
import type { Registry } from './setting-values';

const DAY = 24 * 60 * 60;

/**
 * The settings the authorizer reads, and all it parses at cold start: its
 * bundle is near its 60 KB ceiling, and it reads nothing else. Every other
 * function parses {@link FUNCTION_SETTINGS}, these included.
 */
export const VERIFIER_SETTINGS = {
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
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  dynamodbEndpoint: {
    env: 'DYNAMODB_ENDPOINT',
    type: 'url',
  },
} as const satisfies Registry;
