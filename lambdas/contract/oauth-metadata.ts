/**
 * The authorization server metadata (RFC 8414) this API publishes at
 * `/.well-known/oauth-authorization-server`, built from the issuer alone: the
 * issuer is the API's base URL, so every endpoint is a path under it.
 *
 * What it says, and why (docs/api.md, "OAuth endpoints"):
 * - no `authorization_endpoint` and `response_types_supported: []`: the API
 *   has no authorization endpoint, so it supports no response type; the
 *   member is REQUIRED by §2, and an empty list is the true answer.
 * - no `token_endpoint` and `grant_types_supported: []`: login and refresh
 *   are this API's own JSON endpoints, not RFC 6749 grants; naming one would
 *   send standard clients to an endpoint that refuses their requests. (Left
 *   out, `grant_types_supported` would default to authorization_code and
 *   implicit, which is false.)
 * - `none` for the token and revocation endpoints: clients are public, the
 *   token itself is the proof (RFC 7009 §2.1 allows that for public clients).
 * - introspection: `aws_sigv4` (IAM) in AWS, `client_secret_basic` locally.
 * - `scopes_supported`: the scopes of the role mapping, when there is one
 *   (a role it does not name grants its own name, which no list can know).
 */
import type { AuthorizationServerMetadataBody } from './bodies';

/** How introspection callers authenticate, per mode. */
export type IntrospectionAuthMethod = 'aws_sigv4' | 'client_secret_basic';

/** The paths the document points at, relative to the API's base URL. */
export const OAUTH_PATHS = {
  jwks: '/.well-known/jwks.json',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  metadata: '/.well-known/oauth-authorization-server',
} as const;

/** Whether `issuer` is an http(s) URL that endpoints can be built under. */
export function isUrlIssuer(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/**
 * The metadata document. `baseUrl` is where the API is served (the issuer
 * when it is a URL); it never ends with a slash.
 */
export function authorizationServerMetadata(
  issuer: string,
  baseUrl: string,
  introspectionAuth: IntrospectionAuthMethod,
  scopesSupported: readonly string[] = [],
): AuthorizationServerMetadataBody {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    issuer,
    jwks_uri: `${base}${OAUTH_PATHS.jwks}`,
    revocation_endpoint: `${base}${OAUTH_PATHS.revocation}`,
    introspection_endpoint: `${base}${OAUTH_PATHS.introspection}`,
    response_types_supported: [],
    grant_types_supported: [],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    introspection_endpoint_auth_methods_supported: [introspectionAuth],
    ...(scopesSupported.length > 0 ? { scopes_supported: [...scopesSupported] } : {}),
  };
}
