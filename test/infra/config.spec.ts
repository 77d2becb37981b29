import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { readStackConfig, STACK_DEFAULTS, StackConfigError } from '../../lib/config';
import { synthStack } from './stack';

const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);

describe('readStackConfig', () => {
  it('applies the documented defaults when no context is given', () => {
    expect(read({})).toEqual({
      stageName: 'prod',
      stackName: 'ServerlessJwtAuth-prod',
      clientId: 'ServerlessJwtAuth-prod',
      acceptedIssuers: ['serverless-jwt-auth'],
      introspectionPrincipals: [],
      audience: 'serverless-jwt-auth',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 2_592_000,
      refreshGraceSeconds: 30,
      authorizerCacheTtlSeconds: 0,
      corsOrigins: [],
      signupOpen: true,
      emailVerificationTtlSeconds: 86_400,
      passwordResetTtlSeconds: 900,
      passwordForgotMinResponseMs: 1500,
      recoveryLimitPerAddressPerHour: 5,
      recoveryLimitPerAccountPerHour: 5,
      recoveryLimitPerClientPerHour: 30,
      retainData: true,
      throttleRateLimit: STACK_DEFAULTS.throttleRateLimit,
      throttleBurstLimit: STACK_DEFAULTS.throttleBurstLimit,
      logRetention: RetentionDays.ONE_MONTH,
      apiGatewayCloudWatchRole: true,
      logLevel: 'INFO',
      logDebugSampleRate: 0.01,
      metricsNamespace: 'ServerlessJwtAuth',
      alarmServerErrorRatePercent: 1,
      alarmP99LatencyMs: 2500,
      alarmAuthorizerFailures: 1,
      alarmFailedLogins: 100,
      alarmReuseDetections: 10,
      maxSessionsPerUser: 100,
      // The abuse budget (lambdas/contract/abuse-budget.ts): KMS and 100 addresses.
      credentialThrottleRateLimit: 50,
      credentialThrottleBurstLimit: 50,
      refreshThrottleRateLimit: 100,
      refreshThrottleBurstLimit: 100,
      waf: true,
      wafRateLimit: 150,
      refreshWafRateLimit: 300,
      loginLockoutThreshold: 5,
      loginLockoutMaxSeconds: 900,
      loginAccountCeilingPerHour: 30,
      signingKeys: ['k1'],
      compliance: false,
      vpcSubnetIds: [],
      vpcRouteTableIds: [],
      vpcPrefixListIds: [],
      signingMode: 'kms',
      refreshTokenFormat: 'opaque',
    });
  });

  it('puts the web ACL on the stage named prod unless context waf says otherwise', () => {
    expect(read({}).waf).toBe(true);
    expect(read({ stage: 'dev' }).waf).toBe(false);
    expect(read({ stage: 'dev', waf: 'true' }).waf).toBe(true);
    expect(read({ waf: false }).waf).toBe(false);
  });

  it('keeps the credential routes below a lowered stage limit by default', () => {
    expect(read({ throttleRateLimit: '4', throttleBurstLimit: '6' })).toMatchObject({
      credentialThrottleRateLimit: 4,
      credentialThrottleBurstLimit: 6,
      refreshThrottleRateLimit: 4,
      refreshThrottleBurstLimit: 6,
    });
  });

  it('reserves concurrency only when asked to', () => {
    const defaults = read({});
    expect(defaults).not.toHaveProperty('authorizerReservedConcurrency');
    expect(defaults).not.toHaveProperty('passwordHashingReservedConcurrency');
    expect(
      read({ authorizerReservedConcurrency: '20', passwordHashingReservedConcurrency: 5 }),
    ).toMatchObject({ authorizerReservedConcurrency: 20, passwordHashingReservedConcurrency: 5 });
    expect(read({ authorizerReservedConcurrency: '' })).not.toHaveProperty(
      'authorizerReservedConcurrency',
    );
  });

  it('reads strings from -c and typed values from cdk.json alike', () => {
    const fromCli = read({ authorizerCacheTtlSeconds: '30', signupOpen: 'false', retain: 'false' });
    const fromJson = read({ authorizerCacheTtlSeconds: 30, signupOpen: false, retain: false });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli).toMatchObject({
      authorizerCacheTtlSeconds: 30,
      signupOpen: false,
      retainData: false,
    });
  });

  it('names the stack after the stage unless a stack name is given', () => {
    expect(read({ stage: 'dev' }).stackName).toBe('ServerlessJwtAuth-dev');
    expect(read({ stage: 'dev', stackName: 'MyAuth' }).stackName).toBe('MyAuth');
  });

  it('reads CORS origins from a comma-separated string or a list', () => {
    expect(
      read({ corsOrigins: 'https://a.example.com, http://localhost:5173' }).corsOrigins,
    ).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(read({ corsOrigins: ['https://a.example.com'] }).corsOrigins).toEqual([
      'https://a.example.com',
    ]);
    expect(read({ corsOrigins: '*' }).corsOrigins).toEqual(['*']);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a cache TTL above API Gateway’s 3600 s',
      { authorizerCacheTtlSeconds: '7200' },
      /authorizerCacheTtlSeconds.*from 0 to 3600/,
    ],
    [
      'a refresh grace window above 60 s',
      { refreshGraceSeconds: '61' },
      /refreshGraceSeconds.*from 0 to 60/,
    ],
    ['a negative cache TTL', { authorizerCacheTtlSeconds: '-1' }, /authorizerCacheTtlSeconds/],
    ['a non-numeric lifetime', { accessTokenTtlSeconds: '15m' }, /accessTokenTtlSeconds.*integer/],
    [
      'an access lifetime above the refresh lifetime',
      { accessTokenTtlSeconds: '3600', refreshTokenTtlSeconds: '600' },
      /must not exceed/,
    ],
    ['a flag that is not true or false', { signupOpen: 'yes' }, /signupOpen.*true or false/],
    [
      'a retention CloudWatch does not offer',
      { logRetentionDays: '10' },
      /logRetentionDays.*one of/,
    ],
    ['an http origin that is not localhost', { corsOrigins: 'http://app.example.com' }, /https/],
    [
      'an origin with a path',
      { corsOrigins: 'https://app.example.com/' },
      /not a bare https origin/,
    ],
    [
      'a wildcard mixed with origins',
      { corsOrigins: '*,https://a.example.com' },
      /cannot be combined/,
    ],
    ['a stage name with a slash', { stage: 'prod/v2' }, /stage/],
    ['a session cap above 1000', { maxSessionsPerUser: '1001' }, /maxSessionsPerUser.*1 to 1000/],
    ['a lockout threshold of 0', { loginLockoutThreshold: '0' }, /loginLockoutThreshold.*1 to 100/],
    [
      'a lock above an hour',
      { loginLockoutMaxSeconds: '3601' },
      /loginLockoutMaxSeconds.*1 to 3600/,
    ],
    ['an issuer that is no string', { issuer: 42 }, /"issuer" must be a string/],
    ['a zero throttle rate', { throttleRateLimit: '0' }, /throttleRateLimit/],
    [
      'a credential route limit above the stage’s',
      { credentialThrottleRateLimit: '501' },
      /credentialThrottleRateLimit.*from 1 to 500/,
    ],
    [
      'a credential route burst above the stage’s',
      { throttleBurstLimit: '30', credentialThrottleBurstLimit: '31' },
      /credentialThrottleBurstLimit.*from 1 to 30/,
    ],
    ['a waf flag that is not a boolean', { waf: 'prod' }, /"waf".*true or false/],
    ['a WAF rate limit below WAF’s minimum', { wafRateLimit: '5' }, /wafRateLimit.*from 10/],
    [
      'a zero reservation (it would stop the authorizer)',
      { authorizerReservedConcurrency: '0' },
      /authorizerReservedConcurrency.*from 1/,
    ],
    [
      'a reservation that is not an integer',
      { passwordHashingReservedConcurrency: 'some' },
      /passwordHashingReservedConcurrency.*integer/,
    ],
  ])('rejects %s with a message naming the key', (_case, context, message) => {
    expect(() => read(context)).toThrow(StackConfigError);
    expect(() => read(context)).toThrow(message);
  });

  it('fails the synthesis of the stack on a bad value', () => {
    expect(() => synthStack({ authorizerCacheTtlSeconds: 'soon' })).toThrow(
      /Context "authorizerCacheTtlSeconds" must be an integer/,
    );
  });
});
