/**
 * What API Gateway itself answers when a request never reaches a handler.
 * The CDK stack installs these as gateway responses; the local server answers
 * with the same status, headers and body.
 */
import type { ErrorCode } from '../errors';

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'RESOURCE_NOT_FOUND'
  | 'THROTTLED'
  | 'REQUEST_TOO_LARGE'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

export interface GatewayResponseSpec {
  /** Unset: keep the status API Gateway chose (the DEFAULT_* families). */
  status?: number;
  headers: Record<string, string>;
  body: { error: ErrorCode | 'forbidden'; message: string };
}

export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

export const GATEWAY_RESPONSES: Record<GatewayResponseType, GatewayResponseSpec> = {
  // The authorizer threw `Unauthorized`, or the Authorization header is missing.
  UNAUTHORIZED: {
    status: 401,
    headers: { 'WWW-Authenticate': INVALID_TOKEN_CHALLENGE },
    body: { error: 'invalid_token', message: 'The token is invalid, expired or revoked.' },
  },
  // The authorizer returned a Deny policy. Ours never does, but a custom one might.
  ACCESS_DENIED: {
    status: 403,
    headers: {},
    body: { error: 'forbidden', message: 'Access to this resource is denied.' },
  },
  // The authorizer failed (the revocation store could not be read): fail closed.
  AUTHORIZER_FAILURE: {
    status: 503,
    headers: {},
    body: { error: 'unavailable', message: 'The service is temporarily unavailable.' },
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    status: 503,
    headers: {},
    body: { error: 'unavailable', message: 'The service is temporarily unavailable.' },
  },
  // A REST API answers an unknown route with 403 "Missing Authentication Token".
  MISSING_AUTHENTICATION_TOKEN: {
    status: 404,
    headers: {},
    body: { error: 'not_found', message: 'No such route.' },
  },
  RESOURCE_NOT_FOUND: {
    status: 404,
    headers: {},
    body: { error: 'not_found', message: 'No such route.' },
  },
  THROTTLED: {
    status: 429,
    headers: {},
    body: { error: 'too_many_requests', message: 'Too many requests; slow down and retry.' },
  },
  REQUEST_TOO_LARGE: {
    status: 400,
    headers: {},
    body: { error: 'invalid_request', message: 'The request body is too large.' },
  },
  DEFAULT_4XX: {
    headers: {},
    body: { error: 'invalid_request', message: 'The request is invalid.' },
  },
  DEFAULT_5XX: {
    headers: {},
    body: { error: 'internal_error', message: 'An unexpected error occurred.' },
  },
};
