/**
 * The stack's observability as deployed: tracing, log groups, the Powertools
 * settings of every function, the alarms and their topic, the dashboard; and
 * the context options that configure them.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/config';
import { METRIC } from '../../lambdas/contract/metrics';
import { readStackConfig, StackConfigError } from '../../lib/config';
import { DEFAULT_ROUTES, synthStack } from './stack';

const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);

describe('observability', () => {
  const { stack, template, apiTemplate, logicalId } = synthStack({
    alarmEmail: 'oncall@example.com',
    alarmFailedLogins: '50',
    logLevel: 'debug',
  });
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
  >;
  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const alarm = (id: string) => {
    const construct = stack.auth.observability.alarms[id];
    if (!construct) throw new Error(`no alarm ${id}`);
    const resource = resources[logicalId(construct)];
    if (!resource) throw new Error(`no resource for alarm ${id}`);
    return resource.Properties;
  };
  const topicRef = { Ref: logicalId(stack.auth.observability.topic) };

  describe('tracing', () => {
    it('turns on active X-Ray tracing in every function', () => {
      // Every route, the authorizer and the deploy-time public key reader.
      expect(ofType('AWS::Lambda::Function')).toHaveLength(DEFAULT_ROUTES.length + 2);
      template.allResourcesProperties('AWS::Lambda::Function', {
        TracingConfig: { Mode: 'Active' },
      });
    });

    it('traces the REST API stage', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
    });
  });

  describe('log groups', () => {
    it('keep every log group with the stack’s retention when retain is on (the default)', () => {
      const groups = ofType('AWS::Logs::LogGroup');
      // One per function (with the public key reader), the access and the execution logs.
      expect(groups).toHaveLength(DEFAULT_ROUTES.length + 2 + 2);
      for (const group of groups) {
        expect(group.DeletionPolicy).toBe('Retain');
        expect(group.Properties.RetentionInDays).toBe(30);
      }
    });

    it('write the extended request id, trace id and integration errors to the access log', () => {
      const [stage] = ofType('AWS::ApiGateway::Stage');
      const setting = stage?.Properties.AccessLogSetting as { Format: string } | undefined;
      const format = JSON.parse(String(setting?.Format));
      expect(format).toMatchObject({
        extendedRequestId: '$context.extendedRequestId',
        xrayTraceId: '$context.xrayTraceId',
        integrationError: '$context.integrationErrorMessage',
        integrationStatus: '$context.integrationStatus',
      });
    });
  });

  it('sets service, log level, debug sampling and metrics namespace in every API function', () => {
    apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.serviceName]: 'serverless-jwt-auth',
          [ENV.logLevel]: 'DEBUG',
          [ENV.logDebugSampleRate]: '0.01',
          [ENV.metricsNamespace]: 'ServerlessJwtAuth',
        }),
      },
    });
  });

  describe('alarms', () => {
    it('notify one SNS topic, with SSL enforced and the e-mail subscribed', () => {
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: topicRef,
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
      const alarms = ofType('AWS::CloudWatch::Alarm');
      expect(alarms.length).toBe(Object.keys(stack.auth.observability.alarms).length);
      for (const resource of alarms) {
        expect(resource.Properties.AlarmActions).toEqual([topicRef]);
        expect(resource.Properties.OKActions).toEqual([topicRef]);
        expect(resource.Properties.TreatMissingData).toBe('notBreaching');
      }
    });

    it('cover the authorizer, 5XX rate, p99 latency, throttles, tables and attack signals', () => {
      expect(Object.keys(stack.auth.observability.alarms).sort()).toEqual(
        [
          'AuthorizerFailures',
          'ServerErrorRate',
          'LatencyP99',
          'LambdaThrottles',
          'LambdaThrottles2',
          'UsersTableErrors',
          'SessionsTableErrors',
          'RevokedTokensTableErrors',
          'LoginAttemptsTableErrors',
          'MfaChallengesTableErrors',
          'RecoveryTableErrors',
          'AdminAuditTableErrors',
          'RefreshReuse',
          'FailedLogins',
        ].sort(),
      );
    });

    it('page on the first authorizer failure by default (fail closed = outage)', () => {
      expect(alarm('AuthorizerFailures')).toMatchObject({
        Namespace: 'ServerlessJwtAuth',
        MetricName: METRIC.authorizerFailed,
        Dimensions: [{ Name: 'service', Value: 'serverless-jwt-auth' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('take their thresholds from context (failed logins: 50) or the defaults', () => {
      expect(alarm('FailedLogins')).toMatchObject({
        MetricName: METRIC.loginFailed,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm('RefreshReuse')).toMatchObject({
        MetricName: METRIC.refreshReuseDetected,
        Threshold: 10,
      });
      expect(alarm('ServerErrorRate')).toMatchObject({ Threshold: 1 });
      expect(alarm('LatencyP99')).toMatchObject({
        ExtendedStatistic: 'p99',
        Threshold: 2500,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    });

    it('compute the 5XX rate from the stage’s 5XXError and Count', () => {
      const metrics = alarm('ServerErrorRate').Metrics as {
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string } };
      }[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe('100 * errors / requests');
      expect(metrics.flatMap((m) => m.MetricStat?.Metric.MetricName ?? []).sort()).toEqual([
        '5XXError',
        'Count',
      ]);
    });

    it('sum the throttles of every function, the authorizer included', () => {
      const names = ['LambdaThrottles', 'LambdaThrottles2'].flatMap((id) =>
        (alarm(id).Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap(
          (m) => m.MetricStat?.Metric.MetricName ?? [],
        ),
      );
      expect(names).toEqual(Array(DEFAULT_ROUTES.length + 1).fill('Throttles'));
    });

    it('watch each table’s throttle events and per-operation system errors', () => {
      const names = (
        alarm('RevokedTokensTableErrors').Metrics as {
          MetricStat?: { Metric: { MetricName: string; Namespace: string } };
        }[]
      ).flatMap((m) => m.MetricStat?.Metric.MetricName ?? []);
      expect(names).toEqual([
        'ReadThrottleEvents',
        'WriteThrottleEvents',
        ...Array(5).fill('SystemErrors'),
      ]);
    });
  });

  describe('dashboard', () => {
    /** The dashboard body with every CloudFormation token replaced by "TOKEN", parsed. */
    const widgets = (): { type: string; properties: { title?: string; metrics?: unknown } }[] => {
      const dashboards = ofType('AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      const [dashboard] = dashboards;
      if (!dashboard) throw new Error('no dashboard');
      const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
      const join = body['Fn::Join'][1];
      return JSON.parse(join.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''))
        .widgets;
    };
    const shown = (title: string) => {
      const widget = widgets().find((w) => w.properties.title === title);
      if (!widget) throw new Error(`no widget "${title}"`);
      return JSON.stringify(widget.properties.metrics);
    };

    it.each([
      ['Requests', ['"Count"']],
      ['4XX and 5XX', ['"4XXError"', '"5XXError"']],
      ['Authorizer duration (ms)', ['"Duration"']],
      [
        'Authorizer outcomes',
        [METRIC.authorizerAllowed, METRIC.authorizerFailed, `${METRIC.authorizerDenied}\\"`],
      ],
      ['Logins and registrations', [METRIC.loginSucceeded, METRIC.loginFailed]],
      ['Refreshes', [METRIC.tokenRefreshed, METRIC.refreshReuseDetected]],
      ['Revocations by reason', [`SEARCH`, METRIC.tokenRevoked]],
      ['DynamoDB consumed capacity', ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits']],
    ])('shows %s', (title, names) => {
      for (const name of names) expect(shown(title)).toContain(name);
    });

    it('shows every alarm', () => {
      const alarms = widgets().find((w) => w.type === 'alarm')?.properties as
        | { alarms?: unknown[] }
        | undefined;
      expect(alarms?.alarms).toHaveLength(Object.keys(stack.auth.observability.alarms).length);
    });
  });
});

describe('observability context options', () => {
  it('default to INFO, 1% debug sampling, the ServerlessJwtAuth namespace and no e-mail', () => {
    const config = read({});
    expect(config).toMatchObject({
      logLevel: 'INFO',
      logDebugSampleRate: 0.01,
      metricsNamespace: 'ServerlessJwtAuth',
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown log level', { logLevel: 'verbose' }, /logLevel.*DEBUG, INFO, WARN, ERROR/],
    ['a sample rate above 1', { logDebugSampleRate: '1.5' }, /logDebugSampleRate.*0 to 1/],
    ['a malformed alarm e-mail', { alarmEmail: 'oncall' }, /alarmEmail.*e-mail/],
    ['a zero 5XX threshold', { alarmServerErrorRatePercent: '0' }, /alarmServerErrorRatePercent/],
    ['a p99 threshold above 29 s', { alarmP99LatencyMs: '60000' }, /alarmP99LatencyMs/],
  ])('refuses %s', (_what, context, message) => {
    expect(() => read(context)).toThrow(StackConfigError);
    expect(() => read(context)).toThrow(message);
  });
});
