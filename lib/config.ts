/**
 * The stack's configuration: CDK context (`-c key=value` or `cdk.json`) read
 * into one typed, checked {@link StackConfig}. What is read, its bounds and
 * defaults are declared once: the function settings with a context key
 * (`lambdas/contract/settings.ts`) and the stack's own
 * (`stack-settings.ts`). A bad value fails `cdk synth` with a message naming
 * the context key, long before anything is deployed.
 */
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LEGACY_DEFAULT_ISSUER } from '../lambdas/config';
import { EMAIL_SETTINGS } from '../lambdas/contract/email-settings';
import {
  ConfigError,
  parseSetting,
  parseSettings,
  type Registry,
  type Values,
} from '../lambdas/contract/setting-values';
import { FUNCTION_SETTINGS } from '../lambdas/contract/settings';
import { COMPLIANCE_MIN_LOG_RETENTION_DAYS, STACK_SETTINGS, VPC_ID_LISTS } from './stack-settings';

type WithContext<R extends Registry> = {
  [K in keyof R as R[K] extends { context: string } ? K : never]: R[K];
};

function withContext<R extends Registry>(registry: R): WithContext<R> {
  return Object.fromEntries(
    Object.entries(registry).filter(([, setting]) => setting.context !== undefined),
  ) as WithContext<R>;
}

/** Every function setting the stack hands over: the common ones and the e-mail functions'. */
const ALL_FUNCTION_SETTINGS = { ...FUNCTION_SETTINGS, ...EMAIL_SETTINGS };

/** Every setting the stack reads from context: the function settings that have a key, and its own. */
export const CONTEXT_SETTINGS = { ...withContext(ALL_FUNCTION_SETTINGS), ...STACK_SETTINGS };

/** The context key of each stack setting, by its `StackConfig` name. */
export const CONTEXT_KEYS = Object.fromEntries(
  Object.entries(CONTEXT_SETTINGS).map(([name, setting]) => [name, setting.context]),
) as { [K in keyof typeof CONTEXT_SETTINGS]: (typeof CONTEXT_SETTINGS)[K]['context'] };

/** The function settings the stack hands to every function, from its context. */
const FORWARDED = withContext(ALL_FUNCTION_SETTINGS);

type ContextValues = Values<typeof CONTEXT_SETTINGS>;

export type StackConfig = Omit<
  ContextValues,
  | 'issuer'
  | 'acceptedIssuers'
  | 'corsOrigins'
  | 'stackName'
  | 'waf'
  | 'logRetention'
  | 'introspectionPrincipals'
  | 'signingKeys'
> & {
  /**
   * The tokens' `iss`; unset: the API's stage URL
   * (`https://{api}.execute-api.{region}.{suffix}/{stage}`), built in `auth-api.ts`.
   */
  issuer?: string;
  /**
   * Issuers also accepted when verifying, never issued. Default: the old
   * default `serverless-jwt-auth` when `issuer` is unset (tokens issued before
   * the upgrade stay valid), else none.
   */
  acceptedIssuers: string[];
  corsOrigins: string[];
  stackName: string;
  waf: boolean;
  logRetention: RetentionDays;
  introspectionPrincipals: string[];
  /** Logical names of the KMS signing keys, the current (signing) one first. */
  signingKeys: string[];
};

/** The defaults of the stack's own settings, for tests and docs. */
export const STACK_DEFAULTS = parseSettings(STACK_SETTINGS, 'context', () => undefined);

export class StackConfigError extends ConfigError {
  override readonly name = 'StackConfigError';
}

/** Reads one context value; `undefined` when the key is not set. */
export type ContextReader = (key: string) => unknown;

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Reads every context option, applies defaults and checks the values.
 * @throws StackConfigError naming the offending context key.
 */
export function readStackConfig(read: ContextReader): StackConfig {
  try {
    return checked(read);
  } catch (error) {
    if (error instanceof ConfigError && !(error instanceof StackConfigError)) {
      throw new StackConfigError(error.message);
    }
    throw error;
  }
}

function checked(read: ContextReader): StackConfig {
  const values = parseSettings(CONTEXT_SETTINGS, 'context', read);
  const s = CONTEXT_SETTINGS;
  // The stack's default issuer is its stage URL, known only once the API exists.
  const issuer = read(s.issuer.context) === undefined ? undefined : values.issuer;
  if (values.accessTokenTtlSeconds > values.refreshTokenTtlSeconds) {
    throw new StackConfigError(
      `Context "${s.accessTokenTtlSeconds.context}" (${values.accessTokenTtlSeconds}) must not exceed "${s.refreshTokenTtlSeconds.context}" (${values.refreshTokenTtlSeconds}).`,
    );
  }
  // A method limit above the stage's would never bind: the stage throttles first.
  const belowStage = (
    name:
      | 'credentialThrottleRateLimit'
      | 'credentialThrottleBurstLimit'
      | 'refreshThrottleRateLimit'
      | 'refreshThrottleBurstLimit',
    max: number,
  ): number => {
    const setting = { ...s[name], max, default: Math.min(s[name].default, max) };
    return parseSetting(setting, read(setting.context), 'context') as number;
  };
  checkVpcIds(values);
  if (values.emailFrom !== undefined && values.emailLinkBaseUrl === undefined) {
    throw new StackConfigError(
      `Context "${s.emailLinkBaseUrl.context}" is required with "${s.emailFrom.context}": the page the messages' links open.`,
    );
  }
  const stackName = values.stackName ?? `ServerlessJwtAuth-${values.stageName.replace(/_/g, '-')}`;
  return withoutUndefined({
    ...values,
    logRetention: logRetention(values, read),
    issuer,
    acceptedIssuers: values.acceptedIssuers ?? (issuer ? [] : [LEGACY_DEFAULT_ISSUER]),
    corsOrigins: values.corsOrigins ?? [],
    stackName,
    // RFC 9068's client_id: the stack's name unless configured.
    clientId: values.clientId ?? stackName,
    waf: values.waf ?? values.stageName === 'prod',
    credentialThrottleRateLimit: belowStage(
      'credentialThrottleRateLimit',
      values.throttleRateLimit,
    ),
    credentialThrottleBurstLimit: belowStage(
      'credentialThrottleBurstLimit',
      values.throttleBurstLimit,
    ),
    refreshThrottleRateLimit: belowStage('refreshThrottleRateLimit', values.throttleRateLimit),
    refreshThrottleBurstLimit: belowStage('refreshThrottleBurstLimit', values.throttleBurstLimit),
    signingKeys: values.signingKeys.length > 0 ? values.signingKeys : [...s.signingKeys.default],
  }) as StackConfig;
}

/** The log retention: at least a year under the compliance profile, and a year by default there. */
function logRetention(values: ContextValues, read: ContextReader): RetentionDays {
  const s = CONTEXT_SETTINGS;
  if (!values.compliance) return values.logRetention as RetentionDays;
  if (read(s.logRetention.context) === undefined) {
    return Math.max(values.logRetention, COMPLIANCE_MIN_LOG_RETENTION_DAYS) as RetentionDays;
  }
  if (values.logRetention < COMPLIANCE_MIN_LOG_RETENTION_DAYS) {
    throw new StackConfigError(
      `Context "${s.logRetention.context}" must be at least ${COMPLIANCE_MIN_LOG_RETENTION_DAYS} under "${s.compliance.context}=true" (the compliance profile keeps logs a year), got ${values.logRetention}.`,
    );
  }
  return values.logRetention as RetentionDays;
}

/** The VPC ids: `vpcId` with all three lists or nothing, and only with the compliance profile. */
function checkVpcIds(values: ContextValues): void {
  const s = CONTEXT_SETTINGS;
  if (values.vpcId === undefined) {
    const stray = VPC_ID_LISTS.find((name) => values[name].length > 0);
    if (stray) {
      throw new StackConfigError(
        `Context "${s[stray].context}" needs "${s.vpcId.context}" as well.`,
      );
    }
    return;
  }
  if (!values.compliance) {
    throw new StackConfigError(
      `Context "${s.vpcId.context}" takes effect only with "${s.compliance.context}=true" (VPC placement is part of the compliance profile).`,
    );
  }
  const missing = VPC_ID_LISTS.find((name) => values[name].length === 0);
  if (missing) {
    throw new StackConfigError(
      `Context "${s[missing].context}" is required with "${s.vpcId.context}".`,
    );
  }
}

/**
 * The variables that carry the stack's function settings to every function,
 * one per function setting with a context key; unset values and empty lists
 * are left out (the functions' defaults apply).
 */
export function functionEnvironment(config: StackConfig): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, setting] of Object.entries(FORWARDED)) {
    const value: unknown = config[name as keyof StackConfig];
    if (
      value === undefined ||
      (typeof value === 'object' && Object.keys(value ?? {}).length === 0)
    ) {
      continue;
    }
    environment[setting.env] = Array.isArray(value)
      ? value.join(',')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return environment;
}
