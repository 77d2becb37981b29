/**
 * `JwtAuth` in a user's app: its defaults, the SSM parameters other apps
 * find it by, the one invoke permission, and the authorizers it attaches to
 * REST and HTTP APIs in its own stack, in another stack of the app, and in
 * another app — without an export, a cross-stack reference or a permission
 * per API.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { ERROR_MESSAGES } from '../../lambdas/contract/errors';
import { GATEWAY_RESPONSES } from '../../lambdas/contract/gateway-responses';
import { readRequirements } from '../../lambdas/contract/route-requirements';
import { TABLES } from '../../lambdas/contract/tables';
import { readStackConfig } from '../../lib/config';
import { JwtAuth, jwtAuthConfig } from '../../lib/jwt-auth';
import { PARAMETERS, parameterPrefix } from '../../lib/parameters';
import { templateResponder } from '../../tools/rehearse/responses';
import { type CfnTemplate, readRestApi } from '../../tools/rehearse/template';
import { testApp } from './stack';

/** A stand-in for the user's own route handler. */
function userFunction(stack: Stack, id: string): LambdaFunction {
  return new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => ({ statusCode: 200 });'),
  });
}

/** A REST API of the user's with `GET /notes` behind the authorizer. */
function userRestApi(stack: Stack, auth: JwtAuth | ReturnType<typeof JwtAuth.fromParameters>) {
  const api = new RestApi(stack, 'NotesRest');
  api.root
    .addResource('notes')
    .addMethod('GET', new LambdaIntegration(userFunction(stack, 'ListNotes')), {
      authorizer: auth.restAuthorizer(api),
    });
  return api;
}

/** An HTTP API of the user's with two routes behind the authorizer. */
function userHttpApi(stack: Stack, auth: JwtAuth | ReturnType<typeof JwtAuth.fromParameters>) {
  const api = new HttpApi(stack, 'NotesHttp');
  const authorizer = auth.httpAuthorizer();
  const integration = new HttpLambdaIntegration('Notes', userFunction(stack, 'Notes'));
  api.addRoutes({
    path: '/notes',
    methods: [HttpMethod.GET, HttpMethod.POST],
    integration,
    authorizer,
  });
  api.addRoutes({ path: '/notes/{id}', methods: [HttpMethod.DELETE], integration, authorizer });
  return api;
}

/** The Lambda permissions of a template that let API Gateway authorizers invoke a function. */
function authorizerPermissions(template: Template) {
  return Object.values(
    template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'apigateway.amazonaws.com' },
    }),
  ).filter((permission) =>
    JSON.stringify(permission.Properties.SourceArn).includes('authorizers/'),
  );
}

/** The SSM-typed CloudFormation parameters of a template, by the parameter name they read. */
function ssmParameters(template: Template): string[] {
  return Object.values(template.toJSON().Parameters ?? {})
    .filter((p) => (p as { Type: string }).Type === 'AWS::SSM::Parameter::Value<String>')
    .map((p) => (p as { Default: string }).Default)
    .filter((name) => !name.startsWith('/cdk-bootstrap/'))
    .sort();
}

describe('JwtAuth', () => {
  describe('with no props, in a stack of the user', () => {
    const app = testApp();
    const stack = new Stack(app, 'Shop');
    const auth = new JwtAuth(stack, 'Auth');
    const template = Template.fromStack(stack);

    it('deploys what the repository deploys: the default configuration', () => {
      const { stackName: _, clientId: __, ...defaults } = readStackConfig(() => undefined);
      const { stackName, clientId, ...config } = auth.config;
      expect(config).toEqual(defaults);
      expect(stackName).toBe('Shop');
      // RFC 9068's client_id is the stack's own name, not the repository's default one.
      expect(clientId).toBe('Shop');
      template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(TABLES).length);
      template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    });

    it('writes the four parameters under /serverless-jwt-auth/<stack>/<stage>/', () => {
      const prefix = '/serverless-jwt-auth/Shop/prod/';
      expect(parameterPrefix('Shop', 'prod')).toBe(prefix);
      const names = Object.values(template.findResources('AWS::SSM::Parameter')).map(
        (p) => p.Properties.Name,
      );
      expect(names.sort()).toEqual(
        Object.values(PARAMETERS)
          .map((name) => `${prefix}${name}`)
          .sort(),
      );
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: `${prefix}${PARAMETERS.authorizerFunctionArn}`,
        Value: stack.resolve(auth.authorizerFunction.functionArn),
      });
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: `${prefix}${PARAMETERS.revocationTableName}`,
        Value: stack.resolve(auth.tables.byName.revokedTokens.tableName),
      });
    });

    it('lets every API authorizer of the account invoke the authorizer, in one statement', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: stack.resolve(auth.authorizerFunction.functionArn),
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':*/authorizers/*',
            ],
          ],
        },
      });
    });
  });

  it('takes the settings as props, through the same checks as the context', () => {
    const app = testApp();
    const auth = new JwtAuth(new Stack(app, 'Dev'), 'Auth', {
      stageName: 'dev',
      maxSessionsPerUser: 3,
    });
    expect(auth.config).toMatchObject({ stageName: 'dev', maxSessionsPerUser: 3, waf: false });
    expect(() => new JwtAuth(new Stack(app, 'Bad'), 'Auth', { accessTokenTtlSeconds: 0 })).toThrow(
      /accessTokenTtlSeconds/,
    );
  });

  it('reads a configuration from the context into the very same configuration', () => {
    const context: Record<string, unknown> = {
      stage: 'staging',
      issuer: 'https://auth.example.com',
      corsOrigins: 'https://app.example.com',
      signingKeys: 'k2,k1',
      authorizerReservedConcurrency: '5',
      alarmEmail: 'ops@example.com',
    };
    const config = readStackConfig((key) => context[key]);
    expect(jwtAuthConfig(config, config.stackName)).toEqual(config);
  });

  describe('guarding a REST API and an HTTP API in its own stack', () => {
    const app = testApp();
    const stack = new Stack(app, 'Shop');
    const auth = new JwtAuth(stack, 'Auth');
    const alone = new Stack(testApp(), 'Shop');
    new JwtAuth(alone, 'Auth');
    const permissionsBefore = authorizerPermissions(Template.fromStack(alone)).length;
    const rest = userRestApi(stack, auth);
    userHttpApi(stack, auth);
    const template = Template.fromStack(stack);

    it('makes a TOKEN authorizer on the Authorization header, cache off, bearer-shaped only', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        RestApiId: stack.resolve(rest.restApiId),
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 0,
        IdentityValidationExpression: Match.anyValue(),
        AuthorizerUri: Match.anyValue(),
      });
    });

    it("installs this project's gateway responses on the user's REST API", () => {
      const responses = Object.values(
        template.findResources('AWS::ApiGateway::GatewayResponse', {
          Properties: { RestApiId: stack.resolve(rest.restApiId) },
        }),
      );
      expect(responses.map((r) => r.Properties.ResponseType).sort()).toEqual(
        Object.keys(GATEWAY_RESPONSES).sort(),
      );
      const unauthorized = responses.find((r) => r.Properties.ResponseType === 'UNAUTHORIZED');
      expect(unauthorized?.Properties.ResponseParameters).toHaveProperty([
        'gatewayresponse.header.WWW-Authenticate',
      ]);
    });

    it('makes one Lambda authorizer per HTTP API: payload 2.0, simple responses, cache 0', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 0,
        IdentitySource: ['$request.header.Authorization'],
      });
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
      expect(routes).toHaveLength(3);
      for (const route of routes) expect(route.Properties.AuthorizationType).toBe('CUSTOM');
    });

    it('adds no invoke permission: the one statement covers them', () => {
      expect(authorizerPermissions(template).length - permissionsBefore).toBe(0);
    });
  });

  describe('guarding APIs in another stack of the same app', () => {
    const app = testApp();
    const authStack = new Stack(app, 'Auth');
    const auth = new JwtAuth(authStack, 'JwtAuth');
    const notesStack = new Stack(app, 'Notes');
    userRestApi(notesStack, auth);
    userHttpApi(notesStack, auth);
    const notes = Template.fromStack(notesStack);
    const authTemplate = Template.fromStack(authStack);

    it('reads the function ARN from SSM in the API stack, which deploys after the auth stack', () => {
      expect(ssmParameters(notes)).toEqual([
        `/serverless-jwt-auth/Auth/prod/${PARAMETERS.authorizerFunctionArn}`,
      ]);
      expect(notesStack.dependencies).toContain(authStack);
    });

    it('creates both authorizers in the API stack, with no permission and no export', () => {
      notes.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
      notes.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      expect(authorizerPermissions(notes)).toEqual([]);
      expect(JSON.stringify(notes.toJSON())).not.toContain('Fn::ImportValue');
      const exports = Object.values(authTemplate.toJSON().Outputs ?? {}).filter(
        (output) => (output as { Export?: unknown }).Export,
      );
      expect(exports).toEqual([]);
    });
  });

  describe('found by its parameters from another app', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    const prefix = parameterPrefix('ServerlessJwtAuth-prod', 'prod');
    const auth = JwtAuth.fromParameters(stack, 'Auth', { prefix });
    userRestApi(stack, auth);
    const template = Template.fromStack(stack);

    it('reads the issuer, JWKS URL, table name and function ARN from SSM', () => {
      for (const value of [auth.issuer, auth.jwksUrl, auth.revocationTableName]) {
        expect(stack.resolve(value)).toEqual({ Ref: expect.stringMatching(/^SsmParameterValue/) });
      }
      expect(ssmParameters(template)).toEqual(
        Object.values(PARAMETERS)
          .map((name) => `${prefix}${name}`)
          .sort(),
      );
    });

    it('attaches by the ARN it read, with no permission', () => {
      const authorizer = Object.values(template.findResources('AWS::ApiGateway::Authorizer'))[0];
      expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toContain('Parameter');
      expect(authorizerPermissions(template)).toEqual([]);
    });
  });

  it('caches only when asked to, and leaves the gateway responses out when told', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    const auth = JwtAuth.fromParameters(stack, 'Auth', { prefix: '/x/' });
    const api = new RestApi(stack, 'Api');
    api.root.addMethod('GET', new LambdaIntegration(userFunction(stack, 'Fn')), {
      authorizer: auth.restAuthorizer(api, {
        resultsCacheTtl: Duration.seconds(30),
        gatewayResponses: false,
      }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      AuthorizerResultTtlInSeconds: 30,
    });
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
  });
});

describe('route requirements, given at attachment', () => {
  const REQUIREMENTS = { 'POST /notes': { scopes: ['notes:write'] } };

  it('REST: a REQUEST authorizer, the table in the stage variables, and ACCESS_DENIED as insufficient_scope', () => {
    const app = testApp();
    const stack = new Stack(app, 'Notes');
    const auth = JwtAuth.fromParameters(stack, 'Auth', { prefix: '/x/' });
    const api = new RestApi(stack, 'Api');
    const authorizer = auth.restAuthorizer(api, { requirements: REQUIREMENTS });
    const notes = api.root.addResource('notes');
    for (const method of ['GET', 'POST']) {
      notes.addMethod(method, new LambdaIntegration(userFunction(stack, `Fn${method}`)), {
        authorizer,
      });
    }
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 0,
    });
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(readRequirements(stage?.Properties.Variables)).toEqual(REQUIREMENTS);
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      StatusCode: '403',
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.WWW-Authenticate': `'Bearer error="insufficient_scope"'`,
      }),
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"insufficient_scope"') },
    });
  });

  it('REST with a route that requires MFA: ACCESS_DENIED names the code the authorizer’s context gives', () => {
    const app = testApp();
    const stack = new Stack(app, 'Notes');
    const auth = JwtAuth.fromParameters(stack, 'Auth', { prefix: '/x/' });
    const api = new RestApi(stack, 'Api');
    const requirements = { ...REQUIREMENTS, 'DELETE /notes': { mfa: true } };
    const authorizer = auth.restAuthorizer(api, { requirements });
    api.root
      .addResource('notes')
      .addMethod('DELETE', new LambdaIntegration(userFunction(stack, 'Fn')), { authorizer });
    const template = Template.fromStack(stack);

    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(readRequirements(stage?.Properties.Variables)).toEqual(requirements);
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      StatusCode: '403',
      // Static headers only: the challenge cannot name which of the two codes it is.
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.WWW-Authenticate': `'Bearer'`,
      }),
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp(
          '\\{"error":"\\$context\\.authorizer\\.denied",',
        ),
      },
    });
    // The rehearsal answers from the same template, with the Deny's context.
    const respond = templateResponder(readRestApi(template.toJSON() as CfnTemplate).responses);
    for (const denied of ['insufficient_user_authentication', 'insufficient_scope']) {
      const answer = respond('ACCESS_DENIED', { authorizer: { denied } });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({
        error: denied,
        message: ERROR_MESSAGES.routeRequirementUnmet,
      });
    }
  });

  it('REST without requirements: the TOKEN authorizer and ACCESS_DENIED as forbidden, as before', () => {
    const app = testApp();
    const stack = new Stack(app, 'Notes');
    userRestApi(stack, JwtAuth.fromParameters(stack, 'Auth', { prefix: '/x/' }));
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN' });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"forbidden"') },
    });
  });

  it('HTTP API: the table in the default stage; with a cache, the route key joins the identity sources', () => {
    const app = testApp();
    const stack = new Stack(app, 'Notes');
    const auth = JwtAuth.fromParameters(stack, 'Auth', { prefix: '/x/' });
    const api = new HttpApi(stack, 'Api');
    api.addRoutes({
      path: '/notes',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Notes', userFunction(stack, 'Fn')),
      authorizer: auth.httpAuthorizer({
        requirements: REQUIREMENTS,
        resultsCacheTtl: Duration.seconds(60),
      }),
    });
    const template = Template.fromStack(stack);

    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(readRequirements(stage?.Properties.StageVariables)).toEqual(REQUIREMENTS);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 60,
    });
  });

  it.each([
    [
      'a route that is no "METHOD /path"',
      { '/notes': { scopes: ['notes:write'] } },
      /METHOD \/path/,
    ],
    ['a scope with a space', { 'POST /notes': { scopes: ['notes write'] } }, /scopes are/],
    // A JavaScript app is not type-checked.
    [
      'an mfa that is no boolean',
      { 'POST /notes': { mfa: 'yes' as unknown as boolean } },
      /mfa is true or false/,
    ],
  ])('refuses %s at synth', (_, requirements, message) => {
    const app = testApp();
    const stack = new Stack(app, 'Notes');
    const auth = JwtAuth.fromParameters(stack, 'Auth', { prefix: '/x/' });
    const api = new RestApi(stack, 'Api');

    expect(() => auth.restAuthorizer(api, { requirements })).toThrow(message);
  });
});
