/**
 * The one logging module: every function, the HTTP adapter and the local
 * server log through here. Powertools Logger writes one JSON object per line
 * with the service name, cold start flag, request id and X-Ray trace id
 * (CloudWatch Logs Insights parses them); the level comes from
 * `POWERTOOLS_LOG_LEVEL` (default INFO) and `POWERTOOLS_LOGGER_SAMPLE_RATE`
 * turns on DEBUG for that fraction of invocations. `npm start` prints the
 * same lines; `POWERTOOLS_DEV=true` pretty-prints them.
 *
 * Never pass a token, a password or a hash: log ids (`jti`, `sid`, `sub`)
 * instead. As a second line of defence, fields whose name says they hold a
 * secret are replaced by `[redacted]` before a line is written.
 */
import { Console } from 'node:console';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { SERVICE_NAME } from './contract/metrics';
import { VERIFIER_ENV as ENV } from './verifier-config';

export type Level = 'debug' | 'info' | 'warn' | 'error';

/** Field names that may carry a credential, whatever their case or separators. */
const SECRET_FIELD =
  /^(password|newpassword|currentpassword|passwordhash|hash|token|accesstoken|refreshtoken|authorization|authorizationtoken|secret|privatekey|signature)$/;

/** The JSON replacer: drops secret-named fields; Powertools formats the rest (errors, bigints). */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key.replace(/[-_\s]/g, '').toLowerCase())) {
    return '[redacted]';
  }
  return value;
}

/** The process-wide logger; handlers attach the Lambda context per invocation. */
export const logger = new Logger({
  serviceName: process.env[ENV.serviceName]?.trim() || SERVICE_NAME,
  jsonReplacerFn: redactSecrets,
});

/**
 * Adds this invocation's Lambda context (request id, function name, cold
 * start) to every following line, and re-draws the debug sampling.
 */
export function startInvocation(context: Context | undefined): void {
  if (context?.awsRequestId) logger.addContext(context);
  logger.refreshSampleRateCalculation();
}

/**
 * Writes one structured line. `fields.error` may be any thrown value: an
 * `Error` is logged with its name, message, location and cause.
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  logger[level](message, fields);
}

/**
 * Sends every following line to `stream` (both levels), for a command-line
 * tool whose stdout carries its results: the admin CLI logs to stderr.
 */
export function writeLogsTo(stream: NodeJS.WritableStream): void {
  // Powertools keeps its Console in a field it sets once; replacing it is the only way to redirect.
  Object.assign(logger, { console: new Console({ stdout: stream, stderr: stream }) });
}
