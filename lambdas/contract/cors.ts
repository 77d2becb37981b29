/**
 * The CORS policy, defined once: the stack's preflight and gateway responses,
 * the handlers' own answers and the local server all follow it. Origins are
 * configuration (`corsOrigins` in the stack, `CORS_ALLOWED_ORIGINS` for the
 * functions and locally); none configured means no CORS at all.
 *
 * One difference is forced by API Gateway: its own answers (a refused token,
 * throttling, an unknown route) carry headers that are static or copied from
 * the request, so they cannot apply the allow-list. With several origins they
 * echo the request's `Origin` (with `Vary: Origin`); their bodies hold
 * nothing secret and credentials are never allowed. See
 * {@link gatewayCorsHeaders}; test/infra/cors.spec.ts holds every case.
 */
import { HTTP_METHODS } from './routes';

/** Request headers a browser may send: the bearer token and the JSON body. */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type'] as const;

/** Response headers a browser app may read: why a token was refused, when to retry after a 429. */
export const CORS_EXPOSE_HEADERS = ['WWW-Authenticate', 'Retry-After'] as const;

/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 3600;

/** Every method of the route table, plus the preflight's own. */
export const CORS_ALLOW_METHODS: readonly string[] = [...HTTP_METHODS, 'OPTIONS'];

/**
 * The `Access-Control-Allow-Origin` value for a request from `origin`: `*`
 * when any origin is allowed, the origin itself when it is in the list, none
 * otherwise. Tokens travel in a header, never cookies: credentials are never
 * allowed.
 */
export function allowedOrigin(
  origins: readonly string[],
  origin: string | undefined,
): string | undefined {
  if (origins.includes('*')) return '*';
  return origin !== undefined && origins.includes(origin) ? origin : undefined;
}

/**
 * The CORS headers of an actual (non-preflight) answer. `Vary: Origin` whenever
 * the answer depends on the origin, even when it allows none, so caches keep
 * them apart.
 */
export function corsResponseHeaders(
  origins: readonly string[],
  origin: string | undefined,
): Record<string, string> {
  if (origins.length === 0) return {};
  const allow = allowedOrigin(origins, origin);
  return {
    ...(origins.includes('*') ? {} : { Vary: 'Origin' }),
    ...(allow
      ? {
          'Access-Control-Allow-Origin': allow,
          'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS.join(', '),
        }
      : {}),
  };
}

/** The headers of a preflight answer (204) for a request from `origin`. */
export function corsPreflightHeaders(
  origins: readonly string[],
  origin: string | undefined,
): Record<string, string> {
  const headers = corsResponseHeaders(origins, origin);
  if (!headers['Access-Control-Allow-Origin']) return headers;
  return {
    ...headers,
    'Access-Control-Allow-Methods': CORS_ALLOW_METHODS.join(', '),
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS.join(', '),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
  };
}

/** A gateway response header value: a fixed string, or a request header copied as it came. */
export type GatewayHeaderValue = { value: string } | { requestHeader: string };

/**
 * The CORS headers of API Gateway's own answers for `origins`: the same
 * expose list as the handlers' answers, the one origin named, or with
 * several the request's `Origin` echoed (see the file comment).
 */
export function gatewayCorsHeaders(origins: readonly string[]): Record<string, GatewayHeaderValue> {
  const [only] = origins;
  if (only === undefined) return {};
  const expose = { 'Access-Control-Expose-Headers': { value: CORS_EXPOSE_HEADERS.join(', ') } };
  if (only === '*') return { 'Access-Control-Allow-Origin': { value: '*' }, ...expose };
  return {
    'Access-Control-Allow-Origin':
      origins.length === 1 ? { value: only } : { requestHeader: 'Origin' },
    ...expose,
    Vary: { value: 'Origin' },
  };
}
