/**
 * The REST API: one Lambda proxy method per route of the shared `ROUTES`
 * table, the TOKEN authorizer in front of every `bearer` route, the JSON
 * gateway responses, stage throttling, JSON access logs and optional CORS.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  Cors,
  type CorsOptions,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/config';
import { BEARER_HEADER_PATTERN } from '../lambdas/contract/bearer';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_MAX_AGE_SECONDS,
} from '../lambdas/contract/cors';
import { AUTHORIZER, type FunctionSpec, ROUTES, type RouteSpec } from '../lambdas/contract/routes';
import { AuthFunction } from './auth-function';
import type { StackConfig } from './config';
import { credentialMethodThrottling } from './credential-routes';
import { addGatewayResponses } from './gateway-responses';
import type { GrantTargets } from './grants';

/** Execution logs: errors only (see `deployOptions`). */
const EXECUTION_LOG_LEVEL = MethodLoggingLevel.ERROR;

/** The route that creates accounts; left out when sign-up is closed. */
export const SIGNUP_ROUTE_ID = 'Register';

export interface AuthApiProps {
  config: StackConfig;
  /** Environment shared by every function (names from `ENV`). */
  environment: Record<string, string>;
  targets: GrantTargets;
}

/**
 * The routes this deployment serves: all of `ROUTES`, minus register when
 * sign-up is closed, minus the e-mail routes when no sender is configured
 * (`emailFrom`).
 */
export function deployedRoutes(
  config: Pick<StackConfig, 'signupOpen'> & Partial<Pick<StackConfig, 'emailFrom'>>,
): RouteSpec[] {
  return ROUTES.filter(
    (route) =>
      (config.signupOpen || route.id !== SIGNUP_ROUTE_ID) &&
      (config.emailFrom !== undefined || route.email !== 'only'),
  );
}

/**
 * The resource-policy patterns that cover a route on every stage and every
 * sub-path: the route's method and path under any stage, and anything below
 * that path (a trailing wildcard). A Deny that
 * named only one stage would let a second stage of the same API (or a path
 * below the route, should one ever be added) through.
 */
export function routeInvokeResources(route: RouteSpec): string[] {
  const exact = `execute-api:/*/${route.method}${route.path}`;
  return [exact, `${exact}/*`];
}

/**
 * The API's resource policy: anybody may invoke (the routes do their own
 * authentication), except the `iam` routes, which an explicit Deny closes to
 * every principal not in `introspectionPrincipals`. An explicit Deny beats
 * any Allow, so no IAM policy in the account can open introspection by
 * accident; with no principals configured nobody at all can call it.
 */
export function apiResourcePolicy(
  config: Pick<StackConfig, 'introspectionPrincipals'>,
  routes: readonly RouteSpec[],
): PolicyDocument {
  const iamRoutes = routes.filter((route) => route.auth === 'iam');
  const statements = [
    new PolicyStatement({
      sid: 'InvokeAnyRoute',
      effect: Effect.ALLOW,
      principals: [new AnyPrincipal()],
      actions: ['execute-api:Invoke'],
      resources: ['execute-api:/*'],
    }),
  ];
  if (iamRoutes.length > 0) {
    const principals = config.introspectionPrincipals;
    statements.push(
      new PolicyStatement({
        sid: 'IntrospectionOnlyForListedPrincipals',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: iamRoutes.flatMap(routeInvokeResources),
        // A missing aws:PrincipalArn (an anonymous call) matches ArnNotEquals too: denied.
        ...(principals.length > 0
          ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': principals } } }
          : {}),
      }),
    );
  }
  return new PolicyDocument({ statements });
}

/** Every field a person chasing a failed request needs; never a header or a body. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      // The id AWS support asks for, and the X-Ray trace of the request.
      extendedRequestId: AccessLogField.contextExtendedRequestId(),
      xrayTraceId: AccessLogField.contextXrayTraceId(),
      requestTime: AccessLogField.contextRequestTime(),
      ip: AccessLogField.contextIdentitySourceIp(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      errorType: AccessLogField.contextErrorResponseType(),
      authorizerStatus: AccessLogField.contextAuthorizerStatus(),
      authorizerLatency: AccessLogField.contextAuthorizerLatency(),
      authorizerError: AccessLogField.contextAuthorizerError(),
      // Why the gateway answered 5XX itself: the Lambda integration's error, if any.
      errorMessage: AccessLogField.contextErrorMessage(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      integrationError: AccessLogField.contextIntegrationErrorMessage(),
      // Ids from the authorizer context: who and which session, never the token.
      sub: AccessLogField.contextAuthorizer('sub'),
      sid: AccessLogField.contextAuthorizer('sid'),
    }),
  );
}

/** With `retain`, log groups outlive the stack like the tables (their retention still applies). */
function logRemovalPolicy(config: Pick<StackConfig, 'retainData'>): RemovalPolicy {
  return config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

function corsOptions(origins: readonly string[]): CorsOptions | undefined {
  if (origins.length === 0) return undefined;
  return {
    allowOrigins: origins[0] === '*' ? Cors.ALL_ORIGINS : [...origins],
    allowMethods: [...CORS_ALLOW_METHODS],
    allowHeaders: [...CORS_ALLOW_HEADERS],
    // Tokens travel in the Authorization header, never in cookies.
    allowCredentials: false,
    maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
  };
}

/** The API Gateway REST API with its functions and authorizer. */
export class AuthApi extends Construct {
  readonly api: RestApi;
  readonly authorizer: TokenAuthorizer;
  readonly authorizerFunction: AuthFunction;
  /** The route functions by route id. */
  readonly functions: Record<string, AuthFunction> = {};
  /** Each deployed route with its API Gateway method. */
  readonly routeMethods: { route: RouteSpec; method: Method }[] = [];
  /** The functions' environment: the stack's, with the issuer defaulted to the stage URL. */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: AuthApiProps) {
    super(scope, id);
    const { config } = props;
    const fn = (spec: FunctionSpec, reservedConcurrency?: number) =>
      new AuthFunction(this, spec.id, {
        spec,
        environment: this.environment,
        targets: props.targets,
        logRetention: config.logRetention,
        retainLogs: config.retainData,
        ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
      });
    const routes = deployedRoutes(config);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: logRemovalPolicy(config),
    });

    this.api = new RestApi(this, 'Api', {
      policy: apiResourcePolicy(config, routes),
      restApiName: `serverless-jwt-auth-${config.stageName}`,
      description: 'serverless-jwt-auth: JWT authentication whose logout really logs out',
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway writes logs only through an account-wide role; see docs/deploy.md.
      cloudWatchRole: config.apiGatewayCloudWatchRole,
      deployOptions: {
        stageName: config.stageName,
        throttlingRateLimit: config.throttleRateLimit,
        throttlingBurstLimit: config.throttleBurstLimit,
        // Login, register, password change and refresh: a lower limit of their own.
        // A method setting does not inherit the stage's logging: repeat it.
        methodOptions: Object.fromEntries(
          Object.entries(credentialMethodThrottling(routes, config)).map(([path, options]) => [
            path,
            { ...options, loggingLevel: EXECUTION_LOG_LEVEL, dataTraceEnabled: false },
          ]),
        ),
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        // Errors only, and never data tracing: that would log Authorization headers and bodies.
        loggingLevel: EXECUTION_LOG_LEVEL,
        dataTraceEnabled: false,
        // X-Ray: the gateway, the authorizer and the route function in one trace.
        tracingEnabled: true,
      },
      ...(config.corsOrigins.length > 0
        ? { defaultCorsPreflightOptions: corsOptions(config.corsOrigins) }
        : {}),
    });
    // RestApi always adds an `Endpoint` output; the stack prints the URL as `ApiUrl` instead.
    this.api.node.tryRemoveChild('Endpoint');
    // API Gateway applies a changed resource policy only with a new deployment.
    this.api.latestDeployment?.addToLogicalId({
      introspectionPrincipals: config.introspectionPrincipals,
    });
    this.executionLogs(config);
    this.environment = {
      ...props.environment,
      [ENV.issuer]: props.environment[ENV.issuer] ?? this.stageUrl(config.stageName),
    };
    addGatewayResponses(this.api, config.corsOrigins);

    this.authorizerFunction = fn(AUTHORIZER, config.authorizerReservedConcurrency);
    this.authorizer = new TokenAuthorizer(this, 'TokenAuthorizer', {
      handler: this.authorizerFunction.function,
      identitySource: IdentitySource.header('Authorization'),
      // A header that cannot be a bearer JWT is refused (401) without invoking the authorizer.
      validationRegex: BEARER_HEADER_PATTERN,
      // CDK caches for 5 minutes unless told otherwise; a cached Allow outlives a logout.
      resultsCacheTtl: Duration.seconds(config.authorizerCacheTtlSeconds),
    });

    for (const route of routes) {
      // A ceiling on the scrypt functions: a login flood cannot take every instance of the account.
      const routeFunction = fn(
        route,
        route.hashesPasswords ? config.passwordHashingReservedConcurrency : undefined,
      );
      this.functions[route.id] = routeFunction;
      const integration = new LambdaIntegration(routeFunction.function, {
        proxy: true,
        // The console's test button is not worth a second invoke permission.
        allowTestInvoke: false,
      });
      const method = this.api.root
        .resourceForPath(route.path)
        .addMethod(
          route.method,
          integration,
          route.auth === 'bearer'
            ? { authorizer: this.authorizer, authorizationType: AuthorizationType.CUSTOM }
            : route.auth === 'iam'
              ? { authorizationType: AuthorizationType.IAM }
              : { authorizationType: AuthorizationType.NONE },
        );
      this.routeMethods.push({ route, method });
    }
  }

  /**
   * The stage URL without a trailing slash, from the API id and the stage
   * name. Not `api.url`: that references the Stage, which depends on the
   * methods, which depend on the functions whose environment this is, a
   * cycle. The API id alone creates none.
   */
  private stageUrl(stageName: string): string {
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${stageName}`;
  }

  /**
   * API Gateway creates the execution log group itself, with no expiry; this
   * claims the name first so retention stays bounded.
   */
  private executionLogs(config: StackConfig): void {
    new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${config.stageName}`,
      retention: config.logRetention,
      removalPolicy: logRemovalPolicy(config),
    });
  }
}
