/**
 * How every AWS SDK client of the project talks to its service (DynamoDB,
 * KMS): the one place where connection and request timeouts, retries and the
 * socket pool are set.
 *
 * Why: the SDK's defaults wait forever. A DynamoDB that accepts connections
 * but never answers used to hang every request, and all 50 pooled sockets
 * stayed stuck for minutes after it came back. With these settings a hung,
 * refusing or resetting dependency costs at most {@link AWS_CALL_BUDGET_MS}
 * per SDK call and the client answers 503 `unavailable`; a timed-out socket is
 * destroyed, never returned to the pool, so the first call after the
 * dependency comes back goes through on a fresh connection.
 *
 * The budget: the TOKEN authorizer makes one DynamoDB call per request and
 * must answer within 3 s (API Gateway waits up to 29 s, a client should not);
 * every function's Lambda timeout is 10 s (lib/auth-function.ts) and no route
 * makes more than a handful of sequential calls, the first failing one ending
 * the request. In AWS a DynamoDB read or a KMS Sign takes milliseconds, so one
 * second per attempt only ever trips on a real fault.
 *
 * Checked against @smithy/node-http-handler 4.x: `requestTimeout` alone only
 * logs a warning; with `throwOnRequestTimeout` it destroys the request and
 * fails it with a retryable `TimeoutError`. Its clock starts when the SDK
 * hands the request over, so time spent queued for a socket counts too.
 */

/** Longest wait for the TCP connection to a service (a black-holed address). */
export const CONNECTION_TIMEOUT_MS = 500;

/** Longest time one attempt (queueing, connecting, sending, the whole answer) may take. */
export const REQUEST_TIMEOUT_MS = 1000;

/** Attempts per SDK call, the first included: one retry after a fault. */
export const MAX_ATTEMPTS = 2;

/** Longest backoff before the retry: the SDK's standard strategy waits a random 0–100 ms. */
const RETRY_BACKOFF_MS = 100;

/** Upper bound of one SDK call against a dependency that never answers. */
export const AWS_CALL_BUDGET_MS = MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + RETRY_BACKOFF_MS;

/**
 * Sockets kept per client and endpoint. The SDK's own default, made explicit:
 * a Lambda instance serves one request at a time, and the most parallel calls
 * any route makes (revoking a user's sessions) queue on these within the
 * request timeout.
 */
export const MAX_SOCKETS = 50;

/** The options every AWS SDK client is built with; spread them into the client's config. */
export interface AwsClientDefaults {
  maxAttempts: number;
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    throwOnRequestTimeout: boolean;
    socketTimeout: number;
    httpAgent: { keepAlive: boolean; maxSockets: number };
    httpsAgent: { keepAlive: boolean; maxSockets: number };
  };
}

/**
 * Fresh client options with the project's timeouts, e.g.
 * `new KMSClient({ ...awsClientDefaults() })`. Each client gets its own
 * request handler and socket pool (the SDK builds them from these options).
 */
export function awsClientDefaults(): AwsClientDefaults {
  // Keep-alive saves a TLS handshake per call; the timeouts, not the agent, free stuck sockets.
  const agent = { keepAlive: true, maxSockets: MAX_SOCKETS };
  return {
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      // Also an idle limit on the socket while a request is on it (a stalled answer body).
      socketTimeout: REQUEST_TIMEOUT_MS,
      httpAgent: { ...agent },
      httpsAgent: { ...agent },
    },
  };
}
