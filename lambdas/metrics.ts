/**
 * Counting outcomes as CloudWatch metrics. Powertools Metrics writes each
 * count as one embedded-metric-format (EMF) log line, which CloudWatch turns
 * into a metric without an API call; the namespace comes from
 * `POWERTOOLS_METRICS_NAMESPACE` (set by the stack from context).
 *
 * Each count is flushed at once (a "single metric"), so nothing is lost when
 * an invocation ends by throwing, as the authorizer's denials do. Outside
 * Lambda (npm start, tests) nothing is written unless
 * `POWERTOOLS_METRICS_DISABLED=false`: there is no CloudWatch to read it.
 * A failure to count is logged and never fails the request.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  DEFAULT_METRICS_NAMESPACE,
  type MetricName,
  REASON_DIMENSION,
  SERVICE_NAME,
} from './contract/metrics';
import { log } from './log';
import { VERIFIER_ENV as ENV } from './verifier-config';

/** Read at each count (it is cheap), so a test can turn metrics on after loading the module. */
function enabled(): boolean {
  return (
    process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined ||
    process.env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase() === 'false'
  );
}

const metrics = new Metrics({
  namespace: process.env[ENV.metricsNamespace]?.trim() || DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env[ENV.serviceName]?.trim() || SERVICE_NAME,
});

/**
 * Counts one occurrence of `name`, optionally by `reason` (a value from a
 * closed list: never an id or client input).
 */
export function countMetric(name: MetricName, reason?: string): void {
  if (!enabled()) return;
  try {
    const single = metrics.singleMetric();
    if (reason) single.addDimension(REASON_DIMENSION, reason);
    single.addMetric(name, MetricUnit.Count, 1);
  } catch (error) {
    log('warn', 'metric not recorded', { metric: name, error });
  }
}
