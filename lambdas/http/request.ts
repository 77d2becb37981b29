/** What handlers read from a REST proxy event besides the body. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { ClientInfo } from '../auth/ports';
import { isIssuedId } from '../contract/ids';
import { NotFoundError } from '../errors';
import type { AuthorizerContext } from './authorizer';
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

/** The identity of the access token, as the TOKEN authorizer put it in the context. */
export interface AuthorizedCaller {
  userId: string;
  sessionId: string;
  jti: string;
  username: string;
  /** The access token's `exp`, epoch seconds. */
  exp: number;
}

// API Gateway hands every context value over as a string. `satisfies` keeps
// these keys exactly those the authorizer puts in (AuthorizerContext).
const present = () => z.string().check(z.minLength(1));
const authorizerContext = z.object({
  sub: present(),
  sid: present(),
  jti: present(),
  username: present(),
  exp: z.coerce.number().check(z.int(), z.positive()),
} satisfies Record<keyof AuthorizerContext, z.ZodMiniType>);

/**
 * The caller of a protected route. A missing or malformed context means the
 * route is deployed without the authorizer: a server fault (500), never a pass.
 */
export function authorizedCaller(event: APIGatewayProxyEvent): AuthorizedCaller {
  const parsed = authorizerContext.safeParse(event.requestContext?.authorizer);
  if (!parsed.success) throw new Error('Protected route called without the authorizer context.');
  const { sub, sid, jti, username, exp } = parsed.data;
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
