/**
 * GET /.well-known/oauth-authorization-server (RFC 8414): the handler over an injected runtime;
 * its Lambda entry is `lambdas/handlers/oauth-metadata.ts`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mappedScopes } from '../../auth/roles';
import { PUBLIC_DOCUMENT_CACHE_CONTROL } from '../../contract/headers';
import {
  authorizationServerMetadata,
  type IntrospectionAuthMethod,
  isUrlIssuer,
} from '../../contract/oauth-metadata';
import type { RuntimeOf } from '../../runtime';
import { httpHandler } from '../handler';
import { headerValue } from '../request';
import { json } from '../responses';

/**
 * Where the API is served: the issuer, which is its base URL unless someone
 * configured a name that is no URL; then the stage URL this request came in on.
 */
function apiBaseUrl(event: APIGatewayProxyEvent, issuer: string): string {
  if (isUrlIssuer(issuer)) return issuer;
  const domain = event.requestContext?.domainName;
  if (domain) return `https://${domain}/${event.requestContext.stage}`;
  return `http://${headerValue(event.headers, 'host') ?? '127.0.0.1'}`;
}

/** The runtime parts this route uses (its entry wires just these). */
export type OauthMetadataRuntime = RuntimeOf<never>;

export function createOauthMetadataHandler(runtime: OauthMetadataRuntime) {
  const introspectionAuth: IntrospectionAuthMethod = runtime.config.introspectionAuthMethod;
  const scopes = mappedScopes(runtime.config.roles.scopes);
  return httpHandler(runtime.config, async (event) => {
    const { issuer } = runtime.config.tokens;
    return json(
      200,
      authorizationServerMetadata(issuer, apiBaseUrl(event, issuer), introspectionAuth, scopes),
      {
        'Cache-Control': PUBLIC_DOCUMENT_CACHE_CONTROL,
      },
    );
  });
}
