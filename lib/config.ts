/**
 * The stack's configuration: CDK context (`-c key=value` or `cdk.json`) read
 * into one typed, checked {@link StackConfig}. A bad value fails `cdk synth`
 * with a message naming the context key, long before anything is deployed.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_REFRESH_TOKEN_FORMAT,
  DEFAULTS,
  LEGACY_DEFAULT_ISSUER,
  LOGIN_LOCKOUT_RANGE,
  MAX_SESSIONS_PER_USER_LIMIT,
  REFRESH_GRACE_RANGE,
  REFRESH_TOKEN_FORMATS,
  type RefreshTokenFormat,
} from '../lambdas/config';
import { DEFAULT_METRICS_NAMESPACE } from '../lambdas/contract/metrics';

export interface StackConfig {
  /** API Gateway stage name; also part of the stack name and the key alias. */
  stageName: string;
  /** CloudFormation stack name. */
  stackName: string;
  /**
   * The tokens' `iss`; unset: the API's stage URL
   * (`https://{api}.execute-api.{region}.{suffix}/{stage}`), built in `auth-api.ts`.
   */
  issuer?: string;
  /**
   * Issuers also accepted when verifying, never issued. Default: the old
   * default `serverless-jwt-auth` when `issuer` is unset (tokens issued before
   * the upgrade stay valid), else none. Set `""` once a refresh lifetime has
   * passed since the upgrade.
   */
  acceptedIssuers: string[];
  /**
   * IAM principal ARNs (roles, users) allowed to call `POST /oauth/introspect`;
   * everybody else is denied by the API's resource policy. Default: none.
   */
  introspectionPrincipals: string[];
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Seconds a just-rotated refresh token still gets its successor pair; 0 = strict rotation. */
  refreshGraceSeconds: number;
  /** Authorizer result cache TTL; 0 (off) means every request sees revocations at once. */
  authorizerCacheTtlSeconds: number;
  /** Browser origins allowed by CORS; empty = no CORS at all. `['*']` allows any origin. */
  corsOrigins: string[];
  /** When false the register route is not deployed. */
  signupOpen: boolean;
  /** Keep tables and the signing key when the stack is deleted. */
  retainData: boolean;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  logRetention: RetentionDays;
  /**
   * Create the account-wide role API Gateway needs to write logs. Turn off when
   * the account (per region) already has one set in API Gateway's settings.
   */
  apiGatewayCloudWatchRole: boolean;
  /** The functions' log level (Powertools): DEBUG, INFO, WARN or ERROR. */
  logLevel: LogLevelName;
  /** Fraction (0–1) of invocations that log at DEBUG whatever `logLevel` says. */
  logDebugSampleRate: number;
  /** CloudWatch namespace of the application metrics. */
  metricsNamespace: string;
  /** Where alarms are e-mailed (an SNS subscription); unset = topic only. */
  alarmEmail?: string;
  /** Alarm when more than this percentage of requests answer 5XX (5 minutes). */
  alarmServerErrorRatePercent: number;
  /** Alarm when the API's p99 latency exceeds this many milliseconds. */
  alarmP99LatencyMs: number;
  /** Alarm when the authorizer fails closed at least this often in 5 minutes. */
  alarmAuthorizerFailures: number;
  /** Alarm when more logins than this fail in 5 minutes (credential stuffing). */
  alarmFailedLogins: number;
  /** Alarm when more refresh tokens than this are reused in 5 minutes (token theft). */
  alarmReuseDetections: number;
  /** Live sessions per user; a login beyond it ends the oldest (1-1000). */
  maxSessionsPerUser: number;
  /** Method-level steady rate (requests/s) of each credential route; at most the stage's. */
  credentialThrottleRateLimit: number;
  /** Method-level burst of each credential route; at most the stage's. */
  credentialThrottleBurstLimit: number;
  /** Attach a WAFv2 web ACL to the stage (default: on for the stage named `prod`). */
  waf: boolean;
  /** Requests one IP may send to the credential routes per 5 minutes before WAF answers 429. */
  wafRateLimit: number;
  /** Reserved concurrency of the authorizer (also its ceiling); unset = none. */
  authorizerReservedConcurrency?: number;
  /** Reserved concurrency, i.e. ceiling, of each password-hashing function; unset = none. */
  passwordHashingReservedConcurrency?: number;
  /** Consecutive failed logins of a username before it is locked. */
  loginLockoutThreshold: number;
  /** The longest lock of a username after failed logins, in seconds. */
  loginLockoutMaxSeconds: number;
  /**
   * Logical names of the KMS signing keys, the current (signing) one first;
   * verifiers trust all of them. A rotation lists the new key before the old.
   */
  signingKeys: string[];
  /**
   * What refresh tokens are issued as (both are always accepted): `opaque`
   * (no KMS call) or `jwt` (KMS-signed, as before). An upgrade first deploys
   * with `jwt` (docs/deploy.md, "Opaque refresh tokens").
   */
  refreshTokenFormat: RefreshTokenFormat;
  /**
   * The compliance profile (lib/compliance.ts): encrypted logs kept a year,
   * an encrypted alarm topic, backups, WAF logging, optional VPC placement,
   * and the NIST 800-53, HIPAA, PCI DSS and Control Tower checks at synth.
   */
  compliance: boolean;
  /** Explicit ids of the VPC to place the functions in (compliance profile only); unset: none. */
  vpc?: VpcIds;
}

/** A VPC given by its ids, never looked up: synth needs no AWS credentials. */
export interface VpcIds {
  vpcId: string;
  /** Private subnets for the functions and the interface endpoints (one per AZ). */
  subnetIds: string[];
  /** Route tables of those subnets, for the S3 and DynamoDB gateway endpoints. */
  routeTableIds: string[];
  /** The region's S3 and DynamoDB managed prefix lists: the functions' only way out besides the interface endpoints. */
  prefixListIds: string[];
}

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The context keys read by {@link readStackConfig}, named once for docs and errors. */
export const CONTEXT_KEYS = {
  stageName: 'stage',
  stackName: 'stackName',
  issuer: 'issuer',
  acceptedIssuers: 'acceptedIssuers',
  introspectionPrincipals: 'introspectionPrincipals',
  audience: 'audience',
  accessTokenTtlSeconds: 'accessTokenTtlSeconds',
  refreshTokenTtlSeconds: 'refreshTokenTtlSeconds',
  refreshGraceSeconds: 'refreshGraceSeconds',
  authorizerCacheTtlSeconds: 'authorizerCacheTtlSeconds',
  corsOrigins: 'corsOrigins',
  signupOpen: 'signupOpen',
  retainData: 'retain',
  throttleRateLimit: 'throttleRateLimit',
  throttleBurstLimit: 'throttleBurstLimit',
  logRetention: 'logRetentionDays',
  apiGatewayCloudWatchRole: 'apiGatewayCloudWatchRole',
  logLevel: 'logLevel',
  logDebugSampleRate: 'logDebugSampleRate',
  metricsNamespace: 'metricsNamespace',
  alarmEmail: 'alarmEmail',
  alarmServerErrorRatePercent: 'alarmServerErrorRatePercent',
  alarmP99LatencyMs: 'alarmP99LatencyMs',
  alarmAuthorizerFailures: 'alarmAuthorizerFailures',
  alarmFailedLogins: 'alarmFailedLogins',
  alarmReuseDetections: 'alarmReuseDetections',
  maxSessionsPerUser: 'maxSessionsPerUser',
  credentialThrottleRateLimit: 'credentialThrottleRateLimit',
  credentialThrottleBurstLimit: 'credentialThrottleBurstLimit',
  waf: 'waf',
  wafRateLimit: 'wafRateLimit',
  authorizerReservedConcurrency: 'authorizerReservedConcurrency',
  passwordHashingReservedConcurrency: 'passwordHashingReservedConcurrency',
  loginLockoutThreshold: 'loginLockoutThreshold',
  loginLockoutMaxSeconds: 'loginLockoutMaxSeconds',
  signingKeys: 'signingKeys',
  refreshTokenFormat: 'refreshTokenFormat',
  compliance: 'compliance',
  vpc: 'vpcId',
} as const satisfies Record<keyof StackConfig, string>;

/** The context keys of the VPC ids besides `vpcId` (docs/deploy.md, "Compliance profile"). */
export const VPC_CONTEXT_KEYS = {
  subnetIds: 'vpcSubnetIds',
  routeTableIds: 'vpcRouteTableIds',
  prefixListIds: 'vpcPrefixListIds',
} as const;

/** The shortest log retention the compliance profile allows (one year), and its default. */
export const COMPLIANCE_MIN_LOG_RETENTION_DAYS = 365;

export const STACK_DEFAULTS = {
  stageName: 'prod',
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  logRetentionDays: 30,
  authorizerCacheTtlSeconds: 0,
  logLevel: 'INFO',
  logDebugSampleRate: 0.01,
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  alarmServerErrorRatePercent: 1,
  alarmP99LatencyMs: 2500,
  alarmAuthorizerFailures: 1,
  alarmFailedLogins: 100,
  alarmReuseDetections: 10,
  credentialThrottleRateLimit: 10,
  credentialThrottleBurstLimit: 20,
  /** The stage that gets a web ACL when `waf` is not set. */
  wafDefaultStage: 'prod',
  wafRateLimit: 300,
  /**
   * The key every stack had before key rotation existed: a stack deployed with
   * this default keeps exactly its key resource (lib/signing-key.ts).
   */
  signingKeys: ['k1'],
} as const;

/** Signing key names: they end up in logical ids, so letters and digits only. */
const KEY_NAME = /^[A-Za-z][A-Za-z0-9]{0,15}$/;
/**
 * The current key, the previous one, and one published ahead of its turn.
 * More would only crowd Lambda's 4 KB of environment (each public key is
 * about 200 bytes of SIGNING_PUBLIC_KEYS on every function).
 */
export const MAX_SIGNING_KEYS = 3;

/** WAF's bounds for a rate-based rule's limit (per evaluation window). */
const WAF_RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 };
/** Lambda's own bound; the account's quota (10 on new accounts) is usually far lower. */
const RESERVED_CONCURRENCY_RANGE = { min: 1, max: 100_000 };

/** API Gateway's upper bound for an authorizer's result cache. */
const MAX_AUTHORIZER_CACHE_TTL_SECONDS = 3600;

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

/** Reads one context value; `undefined` when the key is not set. */
export type ContextReader = (key: string) => unknown;

function text(read: ContextReader, key: string, fallback: string): string {
  const raw = read(key);
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new StackConfigError(`Context "${key}" must be a non-empty string, got ${show(raw)}.`);
  }
  return raw.trim();
}

function integer(
  read: ContextReader,
  key: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = read(key);
  if (raw === undefined || raw === null) return fallback;
  // `-c key=value` always arrives as a string; cdk.json may hold a number.
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new StackConfigError(`Context "${key}" must be an integer, got ${show(raw)}.`);
  }
  if (value < range.min || value > range.max) {
    throw new StackConfigError(
      `Context "${key}" must be between ${range.min} and ${range.max}, got ${value}.`,
    );
  }
  return value;
}

function flag(read: ContextReader, key: string, fallback: boolean): boolean {
  const raw = read(key);
  if (raw === undefined || raw === null) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new StackConfigError(`Context "${key}" must be true or false, got ${show(raw)}.`);
}

function fraction(read: ContextReader, key: string, fallback: number): number {
  const raw = read(key);
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new StackConfigError(`Context "${key}" must be a number from 0 to 1, got ${show(raw)}.`);
  }
  return value;
}

function oneOf<const T extends string>(
  read: ContextReader,
  key: string,
  values: readonly T[],
  fallback: T,
): T {
  const raw = text(read, key, fallback);
  const value = values.find((candidate) => candidate === raw);
  if (!value) throw new StackConfigError(`Context "${key}" must be one of ${values.join(', ')}.`);
  return value;
}

function logLevel(read: ContextReader, key: string): LogLevelName {
  const value = text(read, key, STACK_DEFAULTS.logLevel).toUpperCase();
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (!level) {
    throw new StackConfigError(`Context "${key}" must be one of ${LOG_LEVELS.join(', ')}.`);
  }
  return level;
}

/** An optional e-mail address: something@domain, nothing more is checked (SNS confirms it). */
function email(read: ContextReader, key: string): string | undefined {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw.trim())) {
    throw new StackConfigError(`Context "${key}" must be an e-mail address, got ${show(raw)}.`);
  }
  return raw.trim();
}

function show(raw: unknown): string {
  return JSON.stringify(raw) ?? String(raw);
}

/** A browser origin as the `Origin` header sends it: scheme, host, optional port, no path. */
function checkOrigin(key: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new StackConfigError(`Context "${key}": "${origin}" is not an origin URL.`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  // Plain http is allowed for local development front ends only: tokens travel in these calls.
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    throw new StackConfigError(
      `Context "${key}": "${origin}" must use https (http only for localhost).`,
    );
  }
  if (parsed.origin !== origin) {
    throw new StackConfigError(
      `Context "${key}": "${origin}" must be a bare origin like "${parsed.origin}" (no path, no trailing slash).`,
    );
  }
  return origin;
}

/** A comma-separated string or a list of non-empty strings; `check` validates each item. */
function list(
  read: ContextReader,
  key: string,
  fallback: string[],
  check: (item: string) => boolean = () => true,
): string[] {
  const raw = read(key);
  if (raw === undefined || raw === null) return fallback;
  if (raw === '') return [];
  const items = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(items)) {
    throw new StackConfigError(
      `Context "${key}" must be a comma-separated string or a list, got ${show(raw)}.`,
    );
  }
  const values = items.map((item: unknown) => {
    if (typeof item !== 'string' || item.trim() === '' || !check(item.trim())) {
      throw new StackConfigError(`Context "${key}" holds an invalid item: ${show(item)}.`);
    }
    return item.trim();
  });
  return [...new Set(values)];
}

/** An IAM principal ARN: a role, a user or an account root. */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(?:root|(?:role|user)\/[\w+=,.@/-]+)$/;

function origins(read: ContextReader, key: string): string[] {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return [];
  let list: unknown[];
  if (typeof raw === 'string') list = raw.split(',');
  else if (Array.isArray(raw)) list = raw;
  else {
    throw new StackConfigError(
      `Context "${key}" must be a comma-separated string or a list, got ${show(raw)}.`,
    );
  }
  const values = list.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new StackConfigError(`Context "${key}" holds an empty or non-string origin.`);
    }
    return item.trim();
  });
  if (values.includes('*')) {
    if (values.length > 1) {
      throw new StackConfigError(`Context "${key}": "*" cannot be combined with other origins.`);
    }
    return ['*'];
  }
  return [...new Set(values.map((origin) => checkOrigin(key, origin)))];
}

function retention(read: ContextReader, key: string, compliance: boolean): RetentionDays {
  const fallback = compliance
    ? Math.max(STACK_DEFAULTS.logRetentionDays, COMPLIANCE_MIN_LOG_RETENTION_DAYS)
    : STACK_DEFAULTS.logRetentionDays;
  const days = integer(read, key, fallback, { min: 1, max: 3653 });
  if (compliance && days < COMPLIANCE_MIN_LOG_RETENTION_DAYS) {
    throw new StackConfigError(
      `Context "${key}" must be at least ${COMPLIANCE_MIN_LOG_RETENTION_DAYS} under "${CONTEXT_KEYS.compliance}=true" (the compliance profile keeps logs a year), got ${days}.`,
    );
  }
  // CloudWatch Logs accepts only a fixed set of periods; "never expire" is not offered here.
  const allowed = Object.values(RetentionDays).filter(
    (value): value is RetentionDays =>
      typeof value === 'number' && value > 0 && value !== RetentionDays.INFINITE,
  );
  if (!allowed.includes(days as RetentionDays)) {
    throw new StackConfigError(
      `Context "${key}" must be one of ${allowed.sort((a, b) => a - b).join(', ')}; got ${days}.`,
    );
  }
  return days as RetentionDays;
}

/** Stage names end up in URLs, the stack name and the key alias. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** CloudFormation stack names: letters, digits and hyphens, starting with a letter. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * Reads every context option, applies defaults and checks the values.
 * @throws StackConfigError naming the offending context key.
 */
export function readStackConfig(read: ContextReader): StackConfig {
  const k = CONTEXT_KEYS;
  const stageName = text(read, k.stageName, STACK_DEFAULTS.stageName);
  if (!NAME.test(stageName)) {
    throw new StackConfigError(
      `Context "${k.stageName}" must be 1-64 letters, digits, "-" or "_", got "${stageName}".`,
    );
  }
  const stackName = text(read, k.stackName, `ServerlessJwtAuth-${stageName.replace(/_/g, '-')}`);
  if (!STACK_NAME.test(stackName)) {
    throw new StackConfigError(
      `Context "${k.stackName}" must start with a letter and hold only letters, digits and "-", got "${stackName}".`,
    );
  }
  const day = 24 * 60 * 60;
  const accessTokenTtlSeconds = integer(
    read,
    k.accessTokenTtlSeconds,
    DEFAULTS.accessTokenTtlSeconds,
    { min: 60, max: day },
  );
  const refreshTokenTtlSeconds = integer(
    read,
    k.refreshTokenTtlSeconds,
    DEFAULTS.refreshTokenTtlSeconds,
    { min: 300, max: 365 * day },
  );
  if (accessTokenTtlSeconds > refreshTokenTtlSeconds) {
    throw new StackConfigError(
      `Context "${k.accessTokenTtlSeconds}" (${accessTokenTtlSeconds}) must not exceed "${k.refreshTokenTtlSeconds}" (${refreshTokenTtlSeconds}).`,
    );
  }
  const throttleRateLimit = integer(read, k.throttleRateLimit, STACK_DEFAULTS.throttleRateLimit, {
    min: 1,
    max: 10_000,
  });
  const throttleBurstLimit = integer(
    read,
    k.throttleBurstLimit,
    STACK_DEFAULTS.throttleBurstLimit,
    { min: 1, max: 5_000 },
  );
  const issuer = read(k.issuer) === undefined ? undefined : text(read, k.issuer, '');
  const compliance = flag(read, k.compliance, false);
  const vpc = vpcIds(read, compliance);
  return {
    stageName,
    stackName,
    ...(issuer ? { issuer } : {}),
    acceptedIssuers: list(read, k.acceptedIssuers, issuer ? [] : [LEGACY_DEFAULT_ISSUER]),
    introspectionPrincipals: list(read, k.introspectionPrincipals, [], (arn) =>
      IAM_PRINCIPAL_ARN.test(arn),
    ),
    audience: text(read, k.audience, DEFAULTS.audience),
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
    refreshGraceSeconds: integer(
      read,
      k.refreshGraceSeconds,
      DEFAULTS.refreshGraceSeconds,
      REFRESH_GRACE_RANGE,
    ),
    authorizerCacheTtlSeconds: integer(
      read,
      k.authorizerCacheTtlSeconds,
      STACK_DEFAULTS.authorizerCacheTtlSeconds,
      { min: 0, max: MAX_AUTHORIZER_CACHE_TTL_SECONDS },
    ),
    corsOrigins: origins(read, k.corsOrigins),
    signupOpen: flag(read, k.signupOpen, true),
    retainData: flag(read, k.retainData, true),
    throttleRateLimit,
    throttleBurstLimit,
    logRetention: retention(read, k.logRetention, compliance),
    apiGatewayCloudWatchRole: flag(read, k.apiGatewayCloudWatchRole, true),
    maxSessionsPerUser: integer(read, k.maxSessionsPerUser, DEFAULTS.maxSessionsPerUser, {
      min: 1,
      max: MAX_SESSIONS_PER_USER_LIMIT,
    }),
    loginLockoutThreshold: integer(
      read,
      k.loginLockoutThreshold,
      DEFAULTS.loginLockoutThreshold,
      LOGIN_LOCKOUT_RANGE.threshold,
    ),
    loginLockoutMaxSeconds: integer(
      read,
      k.loginLockoutMaxSeconds,
      DEFAULTS.loginLockoutMaxSeconds,
      LOGIN_LOCKOUT_RANGE.maxLockSeconds,
    ),
    ...readObservability(read),
    ...readAbuseLimits(read, { stageName, throttleRateLimit, throttleBurstLimit }),
    signingKeys: signingKeyNames(read, k.signingKeys),
    refreshTokenFormat: oneOf(
      read,
      k.refreshTokenFormat,
      REFRESH_TOKEN_FORMATS,
      DEFAULT_REFRESH_TOKEN_FORMAT,
    ),
    compliance,
    ...(vpc ? { vpc } : {}),
  };
}

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8,17}$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;

/** The VPC ids (`vpcId` and the three lists), all or none, and only with the compliance profile. */
function vpcIds(context: ContextReader, compliance: boolean): VpcIds | undefined {
  const k = CONTEXT_KEYS.vpc;
  const raw = context(k);
  // The JwtAuth construct passes its `vpc` prop, a VpcIds, under the same key.
  const read: ContextReader =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (key) => {
          const ids = raw as Partial<VpcIds>;
          if (key === k) return ids.vpcId;
          const field = Object.entries(VPC_CONTEXT_KEYS).find(([, name]) => name === key)?.[0];
          return field ? ids[field as keyof typeof VPC_CONTEXT_KEYS] : undefined;
        }
      : context;
  if (read !== context) return vpcIds(read, compliance);
  const others = Object.values(VPC_CONTEXT_KEYS);
  if (raw === undefined || raw === null || raw === '') {
    const stray = others.find((key) => read(key) !== undefined);
    if (stray) throw new StackConfigError(`Context "${stray}" needs "${k}" as well.`);
    return undefined;
  }
  if (!compliance) {
    throw new StackConfigError(
      `Context "${k}" takes effect only with "${CONTEXT_KEYS.compliance}=true" (VPC placement is part of the compliance profile).`,
    );
  }
  const vpcId = text(read, k, '');
  if (!VPC_ID.test(vpcId)) {
    throw new StackConfigError(
      `Context "${k}" must be a VPC id like vpc-0abc12345, got ${show(raw)}.`,
    );
  }
  const ids = (key: string, pattern: RegExp) => {
    const values = list(read, key, [], (id) => pattern.test(id));
    if (values.length === 0)
      throw new StackConfigError(`Context "${key}" is required with "${k}".`);
    return values;
  };
  return {
    vpcId,
    subnetIds: ids(VPC_CONTEXT_KEYS.subnetIds, SUBNET_ID),
    routeTableIds: ids(VPC_CONTEXT_KEYS.routeTableIds, ROUTE_TABLE_ID),
    prefixListIds: ids(VPC_CONTEXT_KEYS.prefixListIds, PREFIX_LIST_ID),
  };
}

/** The ordered signing key names (current first), e.g. `-c signingKeys=k2,k1` (docs/deploy.md). */
function signingKeyNames(read: ContextReader, key: string): string[] {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return [...STACK_DEFAULTS.signingKeys];
  let list: unknown[];
  if (typeof raw === 'string') list = raw.split(',');
  else if (Array.isArray(raw)) list = raw;
  else {
    throw new StackConfigError(
      `Context "${key}" must be a comma-separated list of key names, got ${show(raw)}.`,
    );
  }
  const names = list.map((item) => (typeof item === 'string' ? item.trim() : item));
  for (const name of names) {
    if (typeof name !== 'string' || !KEY_NAME.test(name)) {
      throw new StackConfigError(
        `Context "${key}": key names are 1-16 letters and digits starting with a letter, got ${show(name)}.`,
      );
    }
  }
  if (new Set(names).size !== names.length) {
    throw new StackConfigError(`Context "${key}" names a key twice: ${show(raw)}.`);
  }
  if (names.length > MAX_SIGNING_KEYS) {
    throw new StackConfigError(
      `Context "${key}" lists ${names.length} keys; at most ${MAX_SIGNING_KEYS} (current, previous, next).`,
    );
  }
  return names as string[];
}

function optionalInteger(
  read: ContextReader,
  key: string,
  range: { min: number; max: number },
): number | undefined {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  return integer(read, key, 0, range);
}

/** Per-route throttling, the web ACL and reserved concurrency (docs/deploy.md, "Abuse limits"). */
function readAbuseLimits(
  read: ContextReader,
  stage: { stageName: string; throttleRateLimit: number; throttleBurstLimit: number },
) {
  const k = CONTEXT_KEYS;
  const d = STACK_DEFAULTS;
  // A method limit above the stage's would never bind: the stage throttles first.
  const credentialThrottleRateLimit = integer(
    read,
    k.credentialThrottleRateLimit,
    Math.min(d.credentialThrottleRateLimit, stage.throttleRateLimit),
    { min: 1, max: stage.throttleRateLimit },
  );
  const credentialThrottleBurstLimit = integer(
    read,
    k.credentialThrottleBurstLimit,
    Math.min(d.credentialThrottleBurstLimit, stage.throttleBurstLimit),
    { min: 1, max: stage.throttleBurstLimit },
  );
  const authorizerReservedConcurrency = optionalInteger(
    read,
    k.authorizerReservedConcurrency,
    RESERVED_CONCURRENCY_RANGE,
  );
  const passwordHashingReservedConcurrency = optionalInteger(
    read,
    k.passwordHashingReservedConcurrency,
    RESERVED_CONCURRENCY_RANGE,
  );
  return {
    credentialThrottleRateLimit,
    credentialThrottleBurstLimit,
    waf: flag(read, k.waf, stage.stageName === d.wafDefaultStage),
    wafRateLimit: integer(read, k.wafRateLimit, d.wafRateLimit, WAF_RATE_LIMIT_RANGE),
    ...(authorizerReservedConcurrency !== undefined ? { authorizerReservedConcurrency } : {}),
    ...(passwordHashingReservedConcurrency !== undefined
      ? { passwordHashingReservedConcurrency }
      : {}),
  };
}

/** The observability options: log level, metrics namespace, alarm e-mail and thresholds. */
function readObservability(read: ContextReader) {
  const k = CONTEXT_KEYS;
  const d = STACK_DEFAULTS;
  const alarmEmail = email(read, k.alarmEmail);
  return {
    logLevel: logLevel(read, k.logLevel),
    logDebugSampleRate: fraction(read, k.logDebugSampleRate, d.logDebugSampleRate),
    metricsNamespace: text(read, k.metricsNamespace, d.metricsNamespace),
    ...(alarmEmail ? { alarmEmail } : {}),
    alarmServerErrorRatePercent: integer(
      read,
      k.alarmServerErrorRatePercent,
      d.alarmServerErrorRatePercent,
      { min: 1, max: 100 },
    ),
    alarmP99LatencyMs: integer(read, k.alarmP99LatencyMs, d.alarmP99LatencyMs, {
      min: 100,
      max: 29_000,
    }),
    alarmAuthorizerFailures: integer(read, k.alarmAuthorizerFailures, d.alarmAuthorizerFailures, {
      min: 1,
      max: 1_000_000,
    }),
    alarmFailedLogins: integer(read, k.alarmFailedLogins, d.alarmFailedLogins, {
      min: 1,
      max: 1_000_000,
    }),
    alarmReuseDetections: integer(read, k.alarmReuseDetections, d.alarmReuseDetections, {
      min: 1,
      max: 1_000_000,
    }),
  };
}
