/**
 * The package's entry (`import { JwtAuth } from 'serverless-jwt-auth'`): the
 * construct, the authorizers it attaches to your APIs, and the SSM
 * parameters other apps find a deployment by. Handlers read the identity
 * with `serverless-jwt-auth/identity`, which pulls no CDK into a bundle.
 */
export type {
  HttpAuthorizerOptions,
  RestAuthorizerOptions,
  RouteRequirement,
  RouteRequirements,
} from './authorizers';
export type { StackConfig } from './config';
export { JwtAuth, type JwtAuthProps, type JwtAuthSettings } from './jwt-auth';
export { type IJwtAuth, JwtAuthReference, type JwtAuthReferenceProps } from './jwt-auth-reference';
export { PARAMETERS, parameterName, parameterPrefix } from './parameters';
