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
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  type IAuthorizer,
  IdentitySource,
  type RestApiBase,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type {
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
import { addGatewayResponses } from './gateway-responses';

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
}

export interface HttpAuthorizerOptions {
  /**
   * How long API Gateway caches an answer per token. Default: 0, off (CDK's
   * own default is 5 minutes). A cached Allow outlives a logout.
   */
  readonly resultsCacheTtl?: Duration;
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
  if (existing instanceof TokenAuthorizer) return existing;
  if (options.gatewayResponses ?? true) addGatewayResponses(api, options.corsOrigins ?? []);
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
        authorizer = new HttpLambdaAuthorizer(
          USER_API_AUTHORIZER_ID,
          source.authorizerFunctionIn(bindOptions.route),
          {
            identitySource: [`$request.header.${AUTHORIZATION_HEADER}`],
            responseTypes: [HttpLambdaResponseType.SIMPLE],
            resultsCacheTtl: options.resultsCacheTtl ?? Duration.seconds(0),
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
