import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/config';
import {
  GATEWAY_RESPONSES,
  type GatewayResponseType,
} from '../../lambdas/contract/gateway-responses';
import { ROUTES } from '../../lambdas/contract/routes';
import { DEFAULT_ROUTES, EMAIL_CONTEXT, methodsByRoute, roleStatements, synthStack } from './stack';

const RESPONSE_TYPES = Object.keys(GATEWAY_RESPONSES) as GatewayResponseType[];

describe('REST API', () => {
  const { stack, template, logicalId } = synthStack();
  const methods = methodsByRoute(template);
  const authorizerId = logicalId(stack.auth.authApi.authorizer);

  it('is a REST API (API Gateway v1), regional', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('has exactly the methods of the route table (no CORS preflight by default)', () => {
    expect([...methods.keys()].sort()).toEqual(
      DEFAULT_ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  it.each(DEFAULT_ROUTES.map((route) => [route.method, route.path, route.auth] as const))(
    'serves %s %s with auth %s',
    (method, path, auth) => {
      const props = methods.get(`${method} ${path}`);
      expect(props).toBeDefined();
      if (auth === 'bearer') {
        expect(props).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(props?.AuthorizationType).toBe(auth === 'iam' ? 'AWS_IAM' : 'NONE');
        expect(props?.AuthorizerId).toBeUndefined();
      }
      // Lambda proxy integration to the route's own function.
      const routeId = DEFAULT_ROUTES.find((r) => r.path === path && r.method === method)?.id ?? '';
      const fn = stack.auth.authApi.functions[routeId];
      if (!fn) throw new Error(`no function for ${routeId}`);
      const integration = props?.Integration as { Type: string; Uri: unknown } | undefined;
      expect(integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(integration?.Uri)).toContain(
        JSON.stringify({ 'Fn::GetAtt': [logicalId(fn.function), 'Arn'] }),
      );
    },
  );

  describe('TOKEN authorizer', () => {
    it('reads the Authorization header and calls the authorizer function', () => {
      template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
      });
    });

    it('caches results for 0 seconds by default, so a logout takes effect at once', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        AuthorizerResultTtlInSeconds: 0,
      });
    });

    it('caches results for the configured TTL when set', () => {
      synthStack({ authorizerCacheTtlSeconds: '60' }).template.hasResourceProperties(
        'AWS::ApiGateway::Authorizer',
        { AuthorizerResultTtlInSeconds: 60 },
      );
    });
  });

  describe('gateway responses', () => {
    it('installs one per shared definition', () => {
      template.resourceCountIs('AWS::ApiGateway::GatewayResponse', RESPONSE_TYPES.length);
    });

    it('sends nosniff and no-store with every one of them', () => {
      template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
          'gatewayresponse.header.Cache-Control': "'no-store'",
        }),
      });
    });

    it.each(RESPONSE_TYPES)('answers %s with its status, JSON headers and body', (type) => {
      const spec = GATEWAY_RESPONSES[type];
      const [response] = Object.values(
        template.findResources('AWS::ApiGateway::GatewayResponse', {
          Properties: { ResponseType: type },
        }),
      );
      expect(response).toBeDefined();
      const props = response?.Properties;
      expect(props.StatusCode).toBe(spec.status === undefined ? undefined : String(spec.status));
      expect(props.ResponseParameters).toEqual({
        'gatewayresponse.header.Content-Type': "'application/json'",
        ...Object.fromEntries(
          Object.entries(spec.headers).map(([name, value]) => [
            `gatewayresponse.header.${name}`,
            `'${value}'`,
          ]),
        ),
      });
      expect(JSON.parse(props.ResponseTemplates['application/json'])).toEqual(spec.body);
    });

    it('answers UNAUTHORIZED with 401, invalid_token and the Bearer challenge', () => {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'UNAUTHORIZED',
        StatusCode: '401',
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.WWW-Authenticate': `'Bearer error="invalid_token"'`,
        }),
        ResponseTemplates: {
          'application/json': Match.stringLikeRegexp('"error":"invalid_token"'),
        },
      });
    });

    it.each(['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR'])(
      'answers %s with 503 unavailable (fail closed)',
      (type) => {
        template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          StatusCode: '503',
          ResponseTemplates: {
            'application/json': Match.stringLikeRegexp('"error":"unavailable"'),
          },
        });
      },
    );

    it('answers throttling 429 with Retry-After, like every 429 of the service', () => {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'THROTTLED',
        StatusCode: '429',
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
      });
    });

    it('answers ACCESS_DENIED 403, unknown routes 404 and throttling 429', () => {
      for (const [type, status] of [
        ['ACCESS_DENIED', '403'],
        ['MISSING_AUTHENTICATION_TOKEN', '404'],
        ['RESOURCE_NOT_FOUND', '404'],
        ['THROTTLED', '429'],
      ]) {
        template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          StatusCode: status,
        });
      }
    });

    it('adds the allowed origin when one CORS origin is configured', () => {
      const cors = synthStack({ corsOrigins: 'https://app.example.com' });
      cors.template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        }),
      });
    });

    it('echoes the request origin with Vary when several CORS origins are configured', () => {
      const cors = synthStack({ corsOrigins: 'https://a.example.com,https://b.example.com' });
      cors.template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
          'gatewayresponse.header.Vary': "'Origin'",
        }),
      });
    });
  });

  describe('stage', () => {
    it('is named after the stage context and throttled by default', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'prod',
        // The credential routes add settings of their own (abuse-limits.spec.ts).
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: 500,
            ThrottlingBurstLimit: 1000,
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
          }),
        ]),
      });
    });

    it('uses the configured stage name and throttling', () => {
      synthStack({
        stage: 'dev',
        throttleRateLimit: '5',
        throttleBurstLimit: '10',
      }).template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'dev',
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            ResourcePath: '/*',
            ThrottlingRateLimit: 5,
            ThrottlingBurstLimit: 10,
          }),
        ]),
      });
    });

    it('writes JSON access logs to its own log group, without tokens', () => {
      const accessLogs = stack.auth.authApi.node.findChild('AccessLogs');
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
      const setting = stage?.Properties.AccessLogSetting;
      expect(setting.DestinationArn).toEqual({
        'Fn::GetAtt': [logicalId(accessLogs), 'Arn'],
      });
      const format = JSON.parse(setting.Format);
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        status: '$context.status',
        authorizerError: '$context.authorizer.error',
      });
      expect(setting.Format).not.toMatch(/Authorization|header/i);
    });
  });

  describe('CORS', () => {
    it('answers preflight for the configured origins', () => {
      const cors = synthStack({ corsOrigins: 'https://app.example.com' });
      const preflight = [...methodsByRoute(cors.template).entries()].filter(([key]) =>
        key.startsWith('OPTIONS '),
      );
      expect(preflight.length).toBeGreaterThan(0);
      for (const [, props] of preflight) {
        expect(JSON.stringify(props)).toContain("'https://app.example.com'");
        expect(props.AuthorizationType).toBe('NONE');
      }
    });
  });

  describe('closed sign-up', () => {
    const closed = synthStack({ signupOpen: 'false' });
    const closedMethods = methodsByRoute(closed.template);

    it('removes the register route and its function', () => {
      expect(closedMethods.has('POST /auth/register')).toBe(false);
      expect(closedMethods.size).toBe(DEFAULT_ROUTES.length - 1);
      closed.apiTemplate.resourceCountIs('AWS::Lambda::Function', DEFAULT_ROUTES.length);
    });

    it('tells the remaining functions that sign-up is closed', () => {
      closed.apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ [ENV.signupOpen]: 'false' }) },
      });
    });
  });

  describe('outputs', () => {
    it('prints the API URL, every table name, the key ids and alias, the alarm topic and dashboard', () => {
      const outputs = template.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual(
        [
          'ApiUrl',
          'UsersTableName',
          'SessionsTableName',
          'RevokedTokensTableName',
          'LoginAttemptsByAddressTableName',
          'MfaChallengesTableName',
          'RecoveryTableName',
          'AdminAuditTableName',
          'SigningKeyId',
          'SigningKeyAlias',
          'RefreshTokenKeyId',
          'AlarmTopicArn',
          'DashboardName',
        ].sort(),
      );
      expect(outputs.RevokedTokensTableName?.Value).toEqual({
        Ref: logicalId(stack.auth.tables.byName.revokedTokens),
      });
      expect(outputs.SigningKeyId?.Value).toEqual({ Ref: logicalId(stack.auth.signingKey.key) });
    });
  });
});

describe('e-mail', () => {
  const on = synthStack(EMAIL_CONTEXT);
  const onMethods = methodsByRoute(on.template);

  it('serves the e-mail routes only where emailFrom is set', () => {
    const emailRoutes = ROUTES.filter((route) => route.email === 'only');
    expect(emailRoutes.map((route) => route.path).sort()).toEqual([
      '/auth/email',
      '/auth/email/verify',
      '/auth/password/forgot',
      '/auth/password/reset',
    ]);
    for (const route of emailRoutes) {
      expect(onMethods.has(`${route.method} ${route.path}`)).toBe(true);
      expect(methodsByRoute(synthStack().template).has(`${route.method} ${route.path}`)).toBe(
        false,
      );
    }
  });

  it('refuses emailFrom without emailLinkBaseUrl at synth', () => {
    expect(() => synthStack({ emailFrom: 'no-reply@example.com' })).toThrow(
      /Context "emailLinkBaseUrl" is required with "emailFrom"/,
    );
  });

  it('lets only the functions that send mail call ses:SendEmail, on the sender identity alone', () => {
    const senders = ROUTES.filter((route) => route.email !== undefined).map((route) => route.id);
    for (const [id, fn] of Object.entries(on.stack.auth.authApi.functions)) {
      const statements = roleStatements(on.template, on.logicalId(fn.role));
      const ses = statements.filter((statement) =>
        JSON.stringify(statement.Action).includes('ses:'),
      );
      if (!senders.includes(id)) {
        expect({ id, ses }).toEqual({ id, ses: [] });
        continue;
      }
      expect(ses).toHaveLength(1);
      expect(ses[0]?.Action).toBe('ses:SendEmail');
      const resources = JSON.stringify(ses[0]?.Resource);
      expect(resources).toContain(':identity/no-reply@example.com');
      expect(resources).toContain(':identity/example.com');
      expect(resources).not.toContain('*"');
    }
  });

  it('names a configuration set in the grant and the functions only when one is given', () => {
    const withSet = synthStack({ ...EMAIL_CONTEXT, emailConfigurationSet: 'bounces' });
    const grants = (synthesized: typeof on) =>
      Object.values(synthesized.stack.auth.authApi.functions).flatMap((fn) =>
        roleStatements(synthesized.template, synthesized.logicalId(fn.role))
          .filter((statement) => statement.Action === 'ses:SendEmail')
          .map((statement) => JSON.stringify(statement.Resource)),
      );

    expect(grants(withSet).length).toBeGreaterThan(0);
    for (const resources of grants(withSet))
      expect(resources).toContain(':configuration-set/bounces');
    for (const resources of grants(on)) expect(resources).not.toContain(':configuration-set/');
    withSet.apiTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ EMAIL_CONFIGURATION_SET: 'bounces' }),
      },
    });
  });

  it('hands the e-mail settings to the functions', () => {
    on.apiTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EMAIL_FROM: 'no-reply@example.com',
          EMAIL_LINK_BASE_URL: 'https://app.example.com/account',
        }),
      },
    });
  });
});
