/**
 * The settings only the stack reads, from CDK context (`-c key=value` or
 * `cdk.json`), declared as the functions' are (`lambdas/contract/settings.ts`,
 * whose entries with a context key the stack reads too): one entry each,
 * parsed by the same parser. Kept here so they stay out of the function
 * bundles.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ABUSE_BUDGET } from '../lambdas/contract/abuse-budget';
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
  /** API Gateway stage name; also names the stack and the key alias. */
  stageName: {
    context: 'stage',
    type: 'string',
    default: 'prod',
    // Stage names end up in URLs, the stack name and the key alias.
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    shape: '1-64 letters, digits, "-" or "_"',
  },
  /** CloudFormation stack name; default `ServerlessJwtAuth-<stage>`. */
  stackName: {
    context: 'stackName',
    type: 'string',
    pattern: /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    shape: 'a letter, then letters, digits and "-"',
  },
  /** IAM principals allowed to call `POST /oauth/introspect`. */
  introspectionPrincipals: {
    context: 'introspectionPrincipals',
    type: 'list',
    default: [],
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:(?:root|(?:role|user)\/[\w+=,.@/-]+)$/,
    shape: 'IAM role, user or account root ARNs',
  },
  /** API Gateway’s authorizer result cache; 0 = off. */
  authorizerCacheTtlSeconds: {
    context: 'authorizerCacheTtlSeconds',
    type: 'int',
    default: 0,
    // API Gateway's upper bound for an authorizer's result cache.
    min: 0,
    max: 3600,
  },
  /** Keep the tables and the signing key when the stack is deleted. */
  retainData: {
    context: 'retain',
    type: 'bool',
    default: true,
  },
  /** Stage-wide steady rate, requests per second. */
  throttleRateLimit: {
    context: 'throttleRateLimit',
    type: 'int',
    default: ABUSE_BUDGET.stageRate,
    min: 1,
    max: 10_000,
  },
  /** Stage-wide burst. */
  throttleBurstLimit: {
    context: 'throttleBurstLimit',
    type: 'int',
    default: ABUSE_BUDGET.stageBurst,
    min: 1,
    max: 5_000,
  },
  /** Retention of every log group, one of CloudWatch’s periods. */
  logRetention: {
    context: 'logRetentionDays',
    type: 'int',
    default: 30,
    min: 1,
    max: 3653,
    allowed: RETENTION_PERIODS,
  },
  /** Create the account-wide role API Gateway needs to write logs. */
  apiGatewayCloudWatchRole: {
    context: 'apiGatewayCloudWatchRole',
    type: 'bool',
    default: true,
  },
  /** E-mail address subscribed to the alarm topic. */
  alarmEmail: {
    context: 'alarmEmail',
    type: 'string',
    // Nothing more is checked: SNS asks the address to confirm.
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    shape: 'an e-mail address',
  },
  /** Alarm when more than this percentage of requests answer 5XX. */
  alarmServerErrorRatePercent: {
    context: 'alarmServerErrorRatePercent',
    type: 'int',
    default: 1,
    min: 1,
    max: 100,
  },
  /** Alarm when the API’s p99 latency exceeds this many milliseconds. */
  alarmP99LatencyMs: {
    context: 'alarmP99LatencyMs',
    type: 'int',
    default: 2500,
    min: 100,
    max: 29_000,
  },
  /** Alarm when the authorizer fails closed this often in 5 minutes. */
  alarmAuthorizerFailures: {
    context: 'alarmAuthorizerFailures',
    ...ALARM_COUNT,
    default: 1,
  },
  /** Alarm when more logins than this fail in 5 minutes. */
  alarmFailedLogins: {
    context: 'alarmFailedLogins',
    ...ALARM_COUNT,
    default: 100,
  },
  /** Alarm when more refresh tokens than this are reused in 5 minutes. */
  alarmReuseDetections: {
    context: 'alarmReuseDetections',
    ...ALARM_COUNT,
    default: 10,
  },
  /** Method-level steady rate of login, register and password change each; at most the stage’s. */
  credentialThrottleRateLimit: {
    context: 'credentialThrottleRateLimit',
    type: 'int',
    default: ABUSE_BUDGET.credentialRate,
    min: 1,
    max: 10_000,
  },
  /** Method-level burst of login, register and password change each; at most the stage’s. */
  credentialThrottleBurstLimit: {
    context: 'credentialThrottleBurstLimit',
    type: 'int',
    default: ABUSE_BUDGET.credentialBurst,
    min: 1,
    max: 5_000,
  },
  /** Method-level steady rate of refresh; at most the stage’s. */
  refreshThrottleRateLimit: {
    context: 'refreshThrottleRateLimit',
    type: 'int',
    default: ABUSE_BUDGET.refreshRate,
    min: 1,
    max: 10_000,
  },
  /** Method-level burst of refresh; at most the stage’s. */
  refreshThrottleBurstLimit: {
    context: 'refreshThrottleBurstLimit',
    type: 'int',
    default: ABUSE_BUDGET.refreshBurst,
    min: 1,
    max: 5_000,
  },
  /** Attach the WAFv2 web ACL to the stage; default: on for the stage `prod`. */
  waf: {
    context: 'waf',
    type: 'bool',
  },
  /** Requests one IP may send to login, register and password change together per 5 minutes. */
  wafRateLimit: {
    context: 'wafRateLimit',
    type: 'int',
    default: ABUSE_BUDGET.credentialWafLimit,
    // WAF's bounds for a rate-based rule's limit.
    min: 10,
    max: 2_000_000_000,
  },
  /** Requests one IP may send to refresh per 5 minutes. */
  refreshWafRateLimit: {
    context: 'refreshWafRateLimit',
    type: 'int',
    default: ABUSE_BUDGET.refreshWafLimit,
    min: 10,
    max: 2_000_000_000,
  },
  /** Reserved concurrency (also the ceiling) of the authorizer. */
  authorizerReservedConcurrency: {
    context: 'authorizerReservedConcurrency',
    ...CONCURRENCY,
  },
  /** Reserved concurrency (also the ceiling) of each password-hashing function. */
  passwordHashingReservedConcurrency: {
    context: 'passwordHashingReservedConcurrency',
    ...CONCURRENCY,
  },
  /** `kms` (KMS signs every access token) or `envelope` (a KMS-encrypted key, signing in process). */
  signingMode: {
    context: 'signingMode',
    type: 'choice',
    choices: ['kms', 'envelope'],
    default: 'kms',
  },
  /** The signing keys by name, the current (signing) one first. */
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
  },
  /** The compliance profile (lib/compliance.ts); raises the log retention to a year. */
  compliance: {
    context: 'compliance',
    type: 'bool',
    default: false,
  },
  /** With `compliance`: the VPC the functions run in, by id (never looked up). */
  vpcId: {
    context: 'vpcId',
    type: 'string',
    pattern: /^vpc-[0-9a-f]{8,17}$/,
    shape: 'a VPC id like vpc-0abc12345',
  },
  /** The private subnets of `vpcId` for the functions and interface endpoints, one per AZ. */
  vpcSubnetIds: {
    context: 'vpcSubnetIds',
    type: 'list',
    default: [],
    pattern: /^subnet-[0-9a-f]{8,17}$/,
    shape: 'subnet ids like subnet-0abc12345',
    distinct: true,
  },
  /** The route tables of those subnets, for the S3 and DynamoDB gateway endpoints. */
  vpcRouteTableIds: {
    context: 'vpcRouteTableIds',
    type: 'list',
    default: [],
    pattern: /^rtb-[0-9a-f]{8,17}$/,
    shape: 'route table ids like rtb-0abc12345',
    distinct: true,
  },
  /** The region's S3 and DynamoDB managed prefix lists: with the interface endpoints, the functions' only way out. */
  vpcPrefixListIds: {
    context: 'vpcPrefixListIds',
    type: 'list',
    default: [],
    pattern: /^pl-[0-9a-f]{8,17}$/,
    shape: 'prefix list ids like pl-63a5400a',
    distinct: true,
  },
} as const satisfies Registry;

/** The shortest log retention the compliance profile allows (a year), and its default there. */
export const COMPLIANCE_MIN_LOG_RETENTION_DAYS = 365;

/** The VPC id lists that go with `vpcId`: all of them, or none. */
export const VPC_ID_LISTS = ['vpcSubnetIds', 'vpcRouteTableIds', 'vpcPrefixListIds'] as const;
