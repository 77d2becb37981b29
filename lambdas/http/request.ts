/** What handlers read from a REST proxy event besides the body. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ClientInfo } from '../auth/ports';
import { isIssuedId } from '../contract/ids';
import { NotFoundError } from '../errors';
import { identityOf } from '../identity';
import { parseBearer } from './bearer';

/** Long enough for any real browser; bounds what a session item stores. */
const MAX_USER_AGENT = 512;

/** The client's address and user agent as API Gateway saw them. */
export function clientInfo(event: APIGatewayProxyEvent): ClientInfo {
  const { sourceIp, userAgent } = event.requestContext?.identity ?? {};
  return {
    ...(sourceIp ? { ip: sourceIp } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, MAX_USER_AGENT) } : {}),
  };
}

/** The identity of the access token, in the domain's names. */
export interface AuthorizedCaller {
  userId: string;
  sessionId: string;
  jti: string;
  username: string;
  /** The access token's `exp`, epoch seconds. */
  exp: number;
}

/**
 * The caller of a protected route, read through the identity contract
 * ({@link identityOf}). A missing or malformed context means the route is
 * deployed without the authorizer: a server fault (500), never a pass.
 */
export function authorizedCaller(event: APIGatewayProxyEvent): AuthorizedCaller {
  const { sub, sid, jti, username, exp } = identityOf(event);
  return { userId: sub, sessionId: sid, jti, username, exp };
}

/** A header by name, whatever its case (API Gateway keeps the client's). */
export function headerValue(
  headers: Record<string, string | undefined> | null | undefined,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

/** The bearer token of the `Authorization` header, if the request has one. */
export function optionalBearer(event: APIGatewayProxyEvent): string | undefined {
  const header = headerValue(event.headers, 'authorization');
  return header === undefined ? undefined : parseBearer(header);
}

/**
 * An id in the path (`/auth/sessions/{session_id}`): one that this API could
 * not have issued names nothing, so it is 404 `not_found` before any store
 * sees it, never a 5xx.
 */
export function pathId(event: APIGatewayProxyEvent, name: string, notFound: string): string {
  const value = event.pathParameters?.[name];
  if (!isIssuedId(value)) throw new NotFoundError(notFound);
  return value;
}
