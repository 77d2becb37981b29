/**
 * What tells an operator that the service is failing, under attack or slow:
 * CloudWatch alarms to one SNS topic (optionally e-mailed), and one dashboard.
 * The application metrics are those the functions emit (names in
 * `lambdas/contract/metrics.ts`); the rest are AWS's own metrics of the API,
 * the functions and the tables. docs/operations.md is the runbook.
 */
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRIC,
  type MetricName,
  REASON_DIMENSION,
  SERVICE_NAME,
} from '../lambdas/contract/metrics';
import type { TableName } from '../lambdas/contract/tables';
import type { AuthFunction } from './auth-function';
import type { StackConfig } from './config';

/** Every alarm and graph looks at 5-minute sums or percentiles. */
const PERIOD = Duration.minutes(5);

/** CloudWatch alarms on metric math accept at most this many metrics. */
const MAX_METRICS_PER_ALARM = 10;

/** The DynamoDB operations the stores use (SystemErrors is reported per operation). */
const TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] as const;

export type ObservabilityConfig = Pick<
  StackConfig,
  | 'stageName'
  | 'metricsNamespace'
  | 'alarmEmail'
  | 'alarmServerErrorRatePercent'
  | 'alarmP99LatencyMs'
  | 'alarmAuthorizerFailures'
  | 'alarmFailedLogins'
  | 'alarmReuseDetections'
>;

export interface ObservabilityProps {
  config: ObservabilityConfig;
  api: RestApi;
  authorizer: AuthFunction;
  /** The route functions, by route id. */
  functions: Record<string, AuthFunction>;
  tables: Record<TableName, Table>;
}

/** Alarms, their SNS topic and the dashboard of one deployment. */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm, by construct id. */
  readonly alarms: Record<string, Alarm> = {};
  private readonly config: ObservabilityConfig;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.config = props.config;
    const { config, api } = props;
    const stage = api.deploymentStage;
    const allFunctions = [props.authorizer, ...Object.values(props.functions)];

    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `serverless-jwt-auth ${config.stageName} alarms`,
      enforceSSL: true,
    });
    if (config.alarmEmail) this.topic.addSubscription(new EmailSubscription(config.alarmEmail));

    // Fail closed means every protected route is down: any failure is worth a look.
    this.alarm('AuthorizerFailures', {
      metric: this.appMetric(METRIC.authorizerFailed),
      threshold: config.alarmAuthorizerFailures,
      description:
        'The authorizer could not check a token (revocation store unreachable, or a bug) and denied it: protected routes answer 5XX.',
    });
    this.alarm('ServerErrorRate', {
      metric: new MathExpression({
        expression: '100 * errors / requests',
        usingMetrics: {
          errors: stage.metricServerError({ period: PERIOD, statistic: 'Sum' }),
          requests: stage.metricCount({ period: PERIOD, statistic: 'SampleCount' }),
        },
        label: '5XX answers (% of requests)',
        period: PERIOD,
      }),
      threshold: config.alarmServerErrorRatePercent,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `More than ${config.alarmServerErrorRatePercent}% of requests answered 5XX over 5 minutes.`,
    });
    this.alarm('LatencyP99', {
      metric: stage.metricLatency({ period: PERIOD, statistic: 'p99' }),
      threshold: config.alarmP99LatencyMs,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `The API's p99 latency exceeded ${config.alarmP99LatencyMs} ms in 2 of 3 five-minute periods.`,
    });
    this.lambdaThrottleAlarms(allFunctions);
    for (const [name, table] of Object.entries(props.tables)) this.tableAlarm(name, table);
    this.alarm('RefreshReuse', {
      metric: this.appMetric(METRIC.refreshReuseDetected),
      threshold: config.alarmReuseDetections,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `More than ${config.alarmReuseDetections} rotated refresh tokens came back in 5 minutes: stolen tokens, or a client that retries with an old one.`,
    });
    this.alarm('FailedLogins', {
      metric: this.appMetric(METRIC.loginFailed),
      threshold: config.alarmFailedLogins,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `More than ${config.alarmFailedLogins} logins failed in 5 minutes: password guessing or credential stuffing.`,
    });

    this.dashboard = this.buildDashboard(props, allFunctions);
  }

  /** A 5-minute sum of one of the functions' own metrics. */
  private appMetric(name: MetricName, label?: string): Metric {
    return new Metric({
      namespace: this.config.metricsNamespace,
      metricName: name,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: PERIOD,
      ...(label ? { label } : {}),
    });
  }

  /** Every series of a metric counted by reason, one line per reason (dashboards only). */
  private byReason(name: MetricName): MathExpression {
    const schema = `{"${this.config.metricsNamespace}",${REASON_DIMENSION},service}`;
    return new MathExpression({
      expression: `SEARCH('${schema} MetricName="${name}" service="${SERVICE_NAME}"', 'Sum', 300)`,
      label: name,
      period: PERIOD,
      usingMetrics: {},
    });
  }

  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      comparison?: ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      /** The section of docs/operations.md about this alarm; default: the id. */
      runbook?: string;
    },
  ): Alarm {
    const section = (options.runbook ?? id).toLowerCase();
    const alarm = new Alarm(this, id, {
      alarmDescription: `${options.description} Runbook: docs/operations.md#${section}`,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator:
        options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm ?? 1,
      // No traffic is not an incident.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms[id] = alarm;
    return alarm;
  }

  /** Throttles of every function, summed in groups small enough for one alarm each. */
  private lambdaThrottleAlarms(functions: AuthFunction[]): void {
    for (let start = 0; start < functions.length; start += MAX_METRICS_PER_ALARM) {
      const group = functions.slice(start, start + MAX_METRICS_PER_ALARM);
      const usingMetrics = Object.fromEntries(
        group.map((fn, index) => [
          `t${index}`,
          fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        ]),
      );
      const part = start / MAX_METRICS_PER_ALARM + 1;
      this.alarm(part === 1 ? 'LambdaThrottles' : `LambdaThrottles${part}`, {
        metric: new MathExpression({
          expression: Object.keys(usingMetrics).join(' + '),
          usingMetrics,
          label: 'Lambda throttles',
          period: PERIOD,
        }),
        threshold: 1,
        runbook: 'LambdaThrottles',
        description: `Lambda throttled ${group.map((fn) => fn.node.id).join(', ')}: the account's or function's concurrency limit was reached.`,
      });
    }
  }

  /** Throttled requests and system errors of one table, in one alarm. */
  private tableAlarm(name: string, table: Table): void {
    const metric = (metricName: string, operation?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: {
          TableName: table.tableName,
          ...(operation ? { Operation: operation } : {}),
        },
        statistic: 'Sum',
        period: PERIOD,
      });
    const usingMetrics: Record<string, IMetric> = {
      readThrottles: metric('ReadThrottleEvents'),
      writeThrottles: metric('WriteThrottleEvents'),
    };
    TABLE_OPERATIONS.forEach((operation, index) => {
      usingMetrics[`errors${index}`] = metric('SystemErrors', operation);
    });
    const id = `${name[0]?.toUpperCase()}${name.slice(1)}TableErrors`;
    this.alarm(id, {
      metric: new MathExpression({
        expression: Object.keys(usingMetrics).join(' + '),
        usingMetrics,
        label: `${name}: throttled requests + system errors`,
        period: PERIOD,
      }),
      threshold: 1,
      runbook: 'TableErrors',
      description: `DynamoDB throttled requests to, or failed inside, the ${name} table: callers got 503.`,
    });
  }

  private buildDashboard(props: ObservabilityProps, functions: AuthFunction[]): Dashboard {
    const stage = props.api.deploymentStage;
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 8, height: 6 });
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `serverless-jwt-auth-${props.config.stageName}`,
      defaultInterval: Duration.hours(3),
    });
    const sum = { period: PERIOD, statistic: 'Sum' };
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# serverless-jwt-auth (${props.config.stageName})\nRunbook: docs/operations.md in the repository.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Requests', [stage.metricCount({ period: PERIOD, statistic: 'SampleCount' })]),
      graph('4XX and 5XX', [stage.metricClientError(sum), stage.metricServerError(sum)]),
      graph('API latency (ms)', [
        stage.metricLatency({ period: PERIOD, statistic: 'p50' }),
        stage.metricLatency({ period: PERIOD, statistic: 'p99' }),
        stage.metricIntegrationLatency({ period: PERIOD, statistic: 'p99' }),
      ]),
    );
    const authorizer = props.authorizer.function;
    dashboard.addWidgets(
      graph('Authorizer duration (ms)', [
        authorizer.metricDuration({ period: PERIOD, statistic: 'p50' }),
        authorizer.metricDuration({ period: PERIOD, statistic: 'p99' }),
      ]),
      graph(
        'Authorizer outcomes',
        [
          this.appMetric(METRIC.authorizerAllowed),
          this.appMetric(METRIC.authorizerFailed),
          this.appMetric(METRIC.storeUnavailable),
        ],
        [this.byReason(METRIC.authorizerDenied)],
      ),
      graph('Logins and registrations', [
        this.appMetric(METRIC.loginSucceeded),
        this.appMetric(METRIC.loginFailed),
        this.appMetric(METRIC.loginLockedOut),
        this.appMetric(METRIC.userRegistered),
      ]),
    );
    dashboard.addWidgets(
      graph('Refreshes', [
        this.appMetric(METRIC.tokenRefreshed),
        this.appMetric(METRIC.refreshReuseDetected),
      ]),
      graph('Revocations by reason', [this.byReason(METRIC.tokenRevoked)]),
      graph(
        'DynamoDB consumed capacity',
        Object.values(props.tables).flatMap((table) => [
          table.metricConsumedReadCapacityUnits(sum),
          table.metricConsumedWriteCapacityUnits(sum),
        ]),
      ),
    );
    dashboard.addWidgets(
      graph(
        // A TOKEN authorizer refuses a token by throwing: its errors include every denial.
        'Lambda errors (authorizer: incl. denials) and throttles',
        functions.map((fn) => fn.function.metricErrors({ ...sum, label: `${fn.node.id} errors` })),
        functions.map((fn) =>
          fn.function.metricThrottles({ ...sum, label: `${fn.node.id} throttles` }),
        ),
      ),
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: Object.values(this.alarms),
        width: 16,
        height: 6,
      }),
    );
    return dashboard;
  }
}
