/**
 * Headers every answer of the API carries, whoever builds it: the handlers
 * (`http/responses.ts`), API Gateway's own responses (`gateway-responses.ts`,
 * installed by the stack) and local mode. `nosniff` stops a browser from
 * reading a JSON error as HTML or script; `no-store` keeps tokens and personal
 * data (`/auth/me`, `/auth/sessions`) out of every cache. Only the public
 * documents override it with {@link PUBLIC_DOCUMENT_CACHE_CONTROL}.
 */

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
} as const;

/**
 * How long a verifier may cache a public document (JWKS): a signing key
 * added at rotation is published before it signs anything.
 */
export const PUBLIC_DOCUMENT_MAX_AGE_SECONDS = 300;

export const PUBLIC_DOCUMENT_CACHE_CONTROL = `public, max-age=${PUBLIC_DOCUMENT_MAX_AGE_SECONDS}`;
