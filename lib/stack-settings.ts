/**
 * The settings only the stack reads, from CDK context (`-c key=value` or
 * `cdk.json`), declared as the functions' are (`lambdas/contract/settings.ts`,
 * whose entries with a context key the stack reads too): one entry each,
 * parsed by the same parser. Kept here so they stay out of the function
 * bundles.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Registry } from '../lambdas/contract/setting-values';
import { MAX_SIGNING_KEYS } from '../lambdas/contract/settings';

/** CloudWatch Logs' retention periods, "never expire" left out. */
const RETENTION_PERIODS = Object.values(RetentionDays)
  .filter((value): value is RetentionDays => typeof value === 'number' && value > 0)
  .filter((value) => value !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/** Lambda's own bound; the account's quota (10 on new accounts) is usually far lower. */
const CONCURRENCY = { type: 'int', min: 1, max: 100_000 } as const;
const ALARM_COUNT = { type: 'int', min: 1, max: 1_000_000 } as const;

export const STACK_SETTINGS = {
  stageName: {
    context: 'stage',
    type: 'string',
    default: 'prod',
    // Stage names end up in URLs, the stack name and the key alias.
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    shape: '1-64 letters, digits, "-" or "_"',
    doc: 'API Gateway stage name; also names the stack and the key alias',
  },
  stackName: {
    context: 'stackName',
    type: 'string',
    pattern: /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    shape: 'a letter, then letters, digits and "-"',
    doc: 'CloudFormation stack name; default `ServerlessJwtAuth-<stage>`',
  },
  introspectionPrincipals: {
    context: 'introspectionPrincipals',
    type: 'list',
    default: [],
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:(?:root|(?:role|user)\/[\w+=,.@/-]+)$/,
    shape: 'IAM role, user or account root ARNs',
    doc: 'IAM principals allowed to call `POST /oauth/introspect`',
  },
  authorizerCacheTtlSeconds: {
    context: 'authorizerCacheTtlSeconds',
    type: 'int',
    default: 0,
    // API Gateway's upper bound for an authorizer's result cache.
    min: 0,
    max: 3600,
    doc: 'API Gateway’s authorizer result cache; 0 = off',
  },
  retainData: {
    context: 'retain',
    type: 'bool',
    default: true,
    doc: 'keep the tables and the signing key when the stack is deleted',
  },
  throttleRateLimit: {
    context: 'throttleRateLimit',
    type: 'int',
    default: 50,
    min: 1,
    max: 10_000,
    doc: 'stage-wide steady rate, requests per second',
  },
  throttleBurstLimit: {
    context: 'throttleBurstLimit',
    type: 'int',
    default: 100,
    min: 1,
    max: 5_000,
    doc: 'stage-wide burst',
  },
  logRetention: {
    context: 'logRetentionDays',
    type: 'int',
    default: 30,
    min: 1,
    max: 3653,
    allowed: RETENTION_PERIODS,
    doc: 'retention of every log group, one of CloudWatch’s periods',
  },
  apiGatewayCloudWatchRole: {
    context: 'apiGatewayCloudWatchRole',
    type: 'bool',
    default: true,
    doc: 'create the account-wide role API Gateway needs to write logs',
  },
  alarmEmail: {
    context: 'alarmEmail',
    type: 'string',
    // Nothing more is checked: SNS asks the address to confirm.
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    shape: 'an e-mail address',
    doc: 'e-mail address subscribed to the alarm topic',
  },
  alarmServerErrorRatePercent: {
    context: 'alarmServerErrorRatePercent',
    type: 'int',
    default: 1,
    min: 1,
    max: 100,
    doc: 'alarm when more than this percentage of requests answer 5XX',
  },
  alarmP99LatencyMs: {
    context: 'alarmP99LatencyMs',
    type: 'int',
    default: 2500,
    min: 100,
    max: 29_000,
    doc: 'alarm when the API’s p99 latency exceeds this many milliseconds',
  },
  alarmAuthorizerFailures: {
    context: 'alarmAuthorizerFailures',
    ...ALARM_COUNT,
    default: 1,
    doc: 'alarm when the authorizer fails closed this often in 5 minutes',
  },
  alarmFailedLogins: {
    context: 'alarmFailedLogins',
    ...ALARM_COUNT,
    default: 100,
    doc: 'alarm when more logins than this fail in 5 minutes',
  },
  alarmReuseDetections: {
    context: 'alarmReuseDetections',
    ...ALARM_COUNT,
    default: 10,
    doc: 'alarm when more refresh tokens than this are reused in 5 minutes',
  },
  credentialThrottleRateLimit: {
    context: 'credentialThrottleRateLimit',
    type: 'int',
    default: 10,
    min: 1,
    max: 10_000,
    doc: 'method-level steady rate of each credential route; at most the stage’s',
  },
  credentialThrottleBurstLimit: {
    context: 'credentialThrottleBurstLimit',
    type: 'int',
    default: 20,
    min: 1,
    max: 5_000,
    doc: 'method-level burst of each credential route; at most the stage’s',
  },
  waf: {
    context: 'waf',
    type: 'bool',
    doc: 'attach the WAFv2 web ACL to the stage; default: on for the stage `prod`',
  },
  wafRateLimit: {
    context: 'wafRateLimit',
    type: 'int',
    default: 300,
    // WAF's bounds for a rate-based rule's limit.
    min: 10,
    max: 2_000_000_000,
    doc: 'requests one IP may send to the credential routes per 5 minutes',
  },
  authorizerReservedConcurrency: {
    context: 'authorizerReservedConcurrency',
    ...CONCURRENCY,
    doc: 'reserved concurrency (also the ceiling) of the authorizer',
  },
  passwordHashingReservedConcurrency: {
    context: 'passwordHashingReservedConcurrency',
    ...CONCURRENCY,
    doc: 'reserved concurrency (also the ceiling) of each password-hashing function',
  },
  signingKeys: {
    context: 'signingKeys',
    type: 'list',
    default: ['k1'],
    // The default is the key every stack had before key rotation existed:
    // such a stack keeps exactly its key resource. Names end up in logical ids.
    pattern: /^[A-Za-z][A-Za-z0-9]{0,15}$/,
    shape: 'key names of 1-16 letters and digits starting with a letter',
    distinct: true,
    maxItems: MAX_SIGNING_KEYS,
    doc: 'the signing keys by name, the current (signing) one first',
  },
} as const satisfies Registry;
