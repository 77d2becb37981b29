/**
 * A deployment seen from another CDK app: everything an API needs of it,
 * read from the SSM parameters it wrote (lib/parameters.ts). Created by
 * `JwtAuth.fromParameters(scope, id, { prefix })`.
 */

import { Names } from 'aws-cdk-lib';
import type { IAuthorizer, RestApiBase } from 'aws-cdk-lib/aws-apigateway';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  type AuthorizerSource,
  type HttpAuthorizerOptions,
  httpAuthorizer,
  importAuthorizerFunction,
  type RestAuthorizerOptions,
  restAuthorizer,
} from './authorizers';
import { readParameter } from './parameters';

/** What an API needs of a deployment, whether built in this app or read from SSM. */
export interface IJwtAuth {
  /** The tokens' `iss`. */
  readonly issuer: string;
  /** Where verifiers fetch the public keys (RFC 7517). */
  readonly jwksUrl: string;
  /** The revocation list (a DynamoDB table), for services that check it themselves. */
  readonly revocationTableName: string;
  /** A TOKEN authorizer for a REST API of any stack, with this project's gateway responses. */
  restAuthorizer(api: RestApiBase, options?: RestAuthorizerOptions): IAuthorizer;
  /** A Lambda REQUEST authorizer (payload 2.0, simple responses) for HTTP API routes. */
  httpAuthorizer(options?: HttpAuthorizerOptions): IHttpRouteAuthorizer;
}

export interface JwtAuthReferenceProps {
  /** The deployment's parameter prefix, e.g. `/serverless-jwt-auth/ServerlessJwtAuth-prod/prod/`. */
  readonly prefix: string;
}

/** A deployment found by its SSM parameters; every value resolves when the stack deploys. */
export class JwtAuthReference extends Construct implements IJwtAuth, AuthorizerSource {
  readonly prefix: string;
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly revocationTableName: string;

  constructor(scope: Construct, id: string, props: JwtAuthReferenceProps) {
    super(scope, id);
    this.prefix = props.prefix;
    this.issuer = readParameter(this, props.prefix, 'issuer');
    this.jwksUrl = readParameter(this, props.prefix, 'jwksUrl');
    this.revocationTableName = readParameter(this, props.prefix, 'revocationTableName');
  }

  restAuthorizer(api: RestApiBase, options?: RestAuthorizerOptions): IAuthorizer {
    return restAuthorizer(this, api, options);
  }

  httpAuthorizer(options?: HttpAuthorizerOptions): IHttpRouteAuthorizer {
    return httpAuthorizer(this, options);
  }

  /** The function's ARN read from SSM in `scope`'s own stack. */
  authorizerFunctionIn(scope: Construct): IFunction {
    return importAuthorizerFunction(
      scope,
      Names.uniqueId(this),
      readParameter(scope, this.prefix, 'authorizerFunctionArn'),
    );
  }
}
