/**
 * Attaching the authorizer to the user's own APIs: a TOKEN authorizer for a
 * REST API, a Lambda REQUEST authorizer (payload 2.0, simple responses) for
 * an HTTP API. Each is created in the API's own stack around the function
 * as that stack sees it (`AuthorizerSource`): the function itself in the
 * auth stack, its ARN from SSM anywhere else. None of them adds an invoke
 * permission: the deployment's one statement covers every API of the
 * account (`JwtAuth`), so nothing grows toward Lambda's 20 KB policy limit
 * and no stack exports anything to another.
 *
 * Caching is off unless asked for: a cached Allow outlives a logout for as
 * long as it is cached, which is the one promise this project makes.
 *
 * Route requirements (scopes a route needs) are given here, at attachment,
 * and written into the API's stage variables, where the shared authorizer
 * reads them at request time (`lambdas/contract/route-requirements.ts`): a
 * REST API then gets a REQUEST authorizer (a TOKEN event carries no stage
 * variables) and gateway responses that answer the authorizer's Deny with
 * 403 `insufficient_scope`, or, where a route requires a second factor, with
 * the code the authorizer's context names (`insufficient_scope` or
 * `insufficient_user_authentication`); an HTTP API with a result cache gets the route
 * key as an identity source, so a cached answer is never reused for another
 * route.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  type CfnStage,
  type IAuthorizer,
  IdentitySource,
  RequestAuthorizer,
  type RestApiBase,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type {
  CfnStage as CfnHttpStage,
  HttpApi,
  HttpRouteAuthorizerBindOptions,
  HttpRouteAuthorizerConfig,
  IHttpApi,
  IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { BEARER_HEADER_PATTERN } from '../lambdas/contract/bearer';
import {
  MFA_API_GATEWAY_RESPONSES,
  SCOPED_API_GATEWAY_RESPONSES,
} from '../lambdas/contract/gateway-responses';
import {
  MAX_REQUIREMENT_CHUNKS,
  type RouteRequirements,
  requirementVariables,
} from '../lambdas/contract/route-requirements';
import { SCOPE_NAME, SCOPE_NAME_SHAPE } from '../lambdas/contract/scopes';
import { addGatewayResponses } from './gateway-responses';

export type { RouteRequirement, RouteRequirements } from '../lambdas/contract/route-requirements';

/** A deployment's authorizer function as one stack may use it. */
export interface AuthorizerSource {
  /**
   * The authorizer function for an authorizer in `scope`'s stack: a
   * reference that stack can resolve on its own, with permissions skipped.
   */
  authorizerFunctionIn(scope: Construct): IFunction;
}

/** The construct id of the authorizer on the user's API (one per API). */
export const USER_API_AUTHORIZER_ID = 'JwtAuthAuthorizer';

/** The header both kinds of authorizer read the bearer token from. */
const AUTHORIZATION_HEADER = 'Authorization';

export interface RestAuthorizerOptions {
  /**
   * How long API Gateway caches an answer per token. Default: 0, off. A
   * cached Allow keeps admitting a logged-out token until it expires.
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * Install this project's gateway responses on the API: a refused token gets
   * the JSON 401 with `WWW-Authenticate`, a failed revocation store the 503.
   * Default: true. Turn off when the API has gateway responses of its own.
   */
  readonly gatewayResponses?: boolean;
  /** Browser origins for the CORS headers of those gateway responses. Default: none. */
  readonly corsOrigins?: readonly string[];
  /**
   * What routes require beyond a live token, by `METHOD /path` as the API
   * names the resource: `{ 'POST /notes': { scopes: ['notes:write'] } }`,
   * `{ 'DELETE /notes/{id}': { mfa: true } }` (a second factor).
   * Default: none, every route takes any live token.
   */
  readonly requirements?: RouteRequirements;
}

export interface HttpAuthorizerOptions {
  /**
   * How long API Gateway caches an answer per token. Default: 0, off (CDK's
   * own default is 5 minutes). A cached Allow outlives a logout.
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * What routes require beyond a live token, by route key:
   * `{ 'POST /notes': { scopes: ['notes:write'] } }`. Give them all in the
   * first `httpAuthorizer()` of an API (it is created once per API).
   */
  readonly requirements?: RouteRequirements;
}

/** `METHOD /path`, as a REST resource or an HTTP API route key names a route. */
const ROUTE_KEY = /^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*$/;

/**
 * The stage variables that carry `requirements`, checked at synth: route
 * keys, scope names, and a table that fits the variables.
 */
export function requirementStageVariables(requirements: RouteRequirements): Record<string, string> {
  for (const [route, requirement] of Object.entries(requirements)) {
    if (!ROUTE_KEY.test(route)) {
      throw new Error(
        `Route requirement "${route}": a route is "METHOD /path", e.g. "POST /notes".`,
      );
    }
    if (requirement.mfa !== undefined && typeof requirement.mfa !== 'boolean') {
      throw new Error(`Route requirement "${route}": mfa is true or false.`);
    }
    const bad = (requirement.scopes ?? []).find((scope) => !SCOPE_NAME.test(scope));
    if (bad !== undefined) {
      throw new Error(
        `Route requirement "${route}": scopes are ${SCOPE_NAME_SHAPE}, got "${bad}".`,
      );
    }
  }
  const variables = requirementVariables(requirements);
  if (Object.keys(variables).length > MAX_REQUIREMENT_CHUNKS) {
    throw new Error(
      `Route requirements take ${Object.keys(variables).length} stage variables of 512 characters; at most ${MAX_REQUIREMENT_CHUNKS}.`,
    );
  }
  return variables;
}

/** Sets `variables` on a stage, beside any the API has. */
function addStageVariables(
  stage: CfnStage | CfnHttpStage,
  property: 'Variables' | 'StageVariables',
  variables: Record<string, string>,
): void {
  for (const [name, value] of Object.entries(variables)) {
    stage.addPropertyOverride(`${property}.${name}`, value);
  }
}

/**
 * The TOKEN authorizer for a REST API, created in the API's stack. Asked
 * twice for the same API, it returns the authorizer it already made.
 */
export function restAuthorizer(
  source: AuthorizerSource,
  api: RestApiBase,
  options: RestAuthorizerOptions = {},
): IAuthorizer {
  const existing = api.node.tryFindChild(USER_API_AUTHORIZER_ID);
  if (existing instanceof TokenAuthorizer || existing instanceof RequestAuthorizer) return existing;
  const variables = requirementStageVariables(options.requirements ?? {});
  const scoped = Object.keys(variables).length > 0;
  const mfa = Object.values(options.requirements ?? {}).some((requirement) => requirement.mfa);
  if (options.gatewayResponses ?? true) {
    addGatewayResponses(
      api,
      options.corsOrigins ?? [],
      mfa ? MFA_API_GATEWAY_RESPONSES : scoped ? SCOPED_API_GATEWAY_RESPONSES : undefined,
    );
  }
  if (scoped) {
    addStageVariables(api.deploymentStage.node.defaultChild as CfnStage, 'Variables', variables);
    // A TOKEN event carries no stage variables: the REQUEST authorizer reads the same header.
    return new RequestAuthorizer(api, USER_API_AUTHORIZER_ID, {
      handler: source.authorizerFunctionIn(api),
      identitySources: [IdentitySource.header(AUTHORIZATION_HEADER)],
      resultsCacheTtl: options.resultsCacheTtl ?? Duration.seconds(0),
    });
  }
  return new TokenAuthorizer(api, USER_API_AUTHORIZER_ID, {
    handler: source.authorizerFunctionIn(api),
    identitySource: IdentitySource.header(AUTHORIZATION_HEADER),
    // A header that cannot be a bearer JWT is refused (401) without invoking the function.
    validationRegex: BEARER_HEADER_PATTERN,
    resultsCacheTtl: options.resultsCacheTtl ?? Duration.seconds(0),
  });
}

/** One Lambda authorizer per HTTP API, whoever asked for it. */
const httpAuthorizers = new WeakMap<IHttpApi, HttpLambdaAuthorizer>();

/**
 * The Lambda REQUEST authorizer for HTTP API routes: payload 2.0, simple
 * responses, the result cache set explicitly. It is made when a route first
 * uses it, in that route's stack, once per API.
 */
export function httpAuthorizer(
  source: AuthorizerSource,
  options: HttpAuthorizerOptions = {},
): IHttpRouteAuthorizer {
  return {
    bind(bindOptions: HttpRouteAuthorizerBindOptions): HttpRouteAuthorizerConfig {
      const api = bindOptions.route.httpApi;
      let authorizer = httpAuthorizers.get(api);
      if (!authorizer) {
        const variables = requirementStageVariables(options.requirements ?? {});
        const scoped = Object.keys(variables).length > 0;
        const cacheTtl = options.resultsCacheTtl ?? Duration.seconds(0);
        if (scoped) {
          const stage = (api as HttpApi).defaultStage?.node.defaultChild as
            | CfnHttpStage
            | undefined;
          if (!stage) throw new Error("Route requirements need the HTTP API's default stage.");
          addStageVariables(stage, 'StageVariables', variables);
        }
        authorizer = new HttpLambdaAuthorizer(
          USER_API_AUTHORIZER_ID,
          source.authorizerFunctionIn(bindOptions.route),
          {
            identitySource: [
              `$request.header.${AUTHORIZATION_HEADER}`,
              // A cached answer is one route's: never reused for a stricter one.
              ...(scoped && cacheTtl.toSeconds() > 0 ? ['$context.routeKey'] : []),
            ],
            responseTypes: [HttpLambdaResponseType.SIMPLE],
            resultsCacheTtl: cacheTtl,
          },
        );
        httpAuthorizers.set(api, authorizer);
      }
      return authorizer.bind(bindOptions);
    },
  };
}

/**
 * `functionArn` as a function of `scope`'s stack, imported once per `key`
 * (the deployment's construct id), with permissions skipped: CDK would skip
 * them silently anyway for a function whose account it cannot tell.
 */
export function importAuthorizerFunction(
  scope: Construct,
  key: string,
  functionArn: string,
): IFunction {
  const stack = Stack.of(scope);
  const id = `${key}AuthorizerFunction`;
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as IFunction;
  return LambdaFunction.fromFunctionAttributes(stack, id, { functionArn, skipPermissions: true });
}
