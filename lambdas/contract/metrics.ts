/**
 * The application's CloudWatch metrics, named once: the functions emit them
 * (Powertools Metrics, embedded metric format) and the CDK stack builds its
 * alarms and dashboard on the same names. Every metric is a Count with the
 * dimension `service`; the ones marked "by reason" add `reason`, a value from
 * a closed list. No dimension ever carries a user, session or token id.
 */

/** Default CloudWatch namespace; the `metricsNamespace` context key overrides it. */
export const DEFAULT_METRICS_NAMESPACE = 'ServerlessJwtAuth';

/** The `service` dimension of every metric (and the `service` of every log line). */
export const SERVICE_NAME = 'serverless-jwt-auth';

export const METRIC = {
  /** POST /auth/login answered 200. */
  loginSucceeded: 'LoginSucceeded',
  /** POST /auth/login answered 401 invalid_credentials (unknown user or wrong password). */
  loginFailed: 'LoginFailed',
  /** POST /auth/login answered 429 (account locked after failed logins). */
  loginLockedOut: 'LoginLockedOut',
  /** POST /auth/register answered 201. */
  userRegistered: 'UserRegistered',
  /** POST /auth/refresh answered 200. */
  tokenRefreshed: 'TokenRefreshed',
  /** A rotated refresh token came back: the session was ended (an attack signal). */
  refreshReuseDetected: 'RefreshReuseDetected',
  /** A token was written to RevokedTokens, by reason (logout, rotated, reuse_detected…). */
  tokenRevoked: 'TokenRevoked',
  /** The authorizer let a request through. */
  authorizerAllowed: 'AuthorizerAllowed',
  /** The authorizer refused a token (401), by reason (revoked, expired, bad_signature…). */
  authorizerDenied: 'AuthorizerDenied',
  /** The authorizer could not decide (store down, bug) and failed closed: the client saw a 5xx. */
  authorizerFailed: 'AuthorizerFailed',
  /** A store or the key service could not be reached: the request answered 503 (or was denied). */
  storeUnavailable: 'StoreUnavailable',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The only dimension added to `service`, on the metrics counted by reason. */
export const REASON_DIMENSION = 'reason';
