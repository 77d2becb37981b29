/** Lambda entry: GET /.well-known/oauth-authorization-server (RFC 8414). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PUBLIC_DOCUMENT_CACHE_CONTROL } from '../contract/headers';
import {
  authorizationServerMetadata,
  type IntrospectionAuthMethod,
  isUrlIssuer,
} from '../contract/oauth-metadata';
import { httpHandler } from '../http/handler';
import { headerValue } from '../http/request';
import { json } from '../http/responses';
import { createRuntime } from '../runtime';

const runtime = createRuntime();
const introspectionAuth: IntrospectionAuthMethod = runtime.config.introspectionAuthMethod;

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

export const handler = httpHandler(runtime.config, async (event) => {
  const { issuer } = runtime.config.tokens;
  return json(
    200,
    authorizationServerMetadata(issuer, apiBaseUrl(event, issuer), introspectionAuth),
    {
      'Cache-Control': PUBLIC_DOCUMENT_CACHE_CONTROL,
    },
  );
});
