/**
 * Local mode's stand-in for AWS_IAM authorization (the `iam` routes:
 * introspection). There is no SigV4 on a laptop, so a caller proves itself
 * with a shared secret from `INTROSPECTION_SECRET`, sent as the password of
 * HTTP Basic (`Authorization: Basic base64(<any name>:<secret>)`, the
 * `client_secret_basic` of RFC 6749 §2.3.1 that RFC 7662 §2.1 suggests). A
 * dedicated scheme keeps it apart from Bearer, which carries user tokens.
 *
 * The answers are API Gateway's: no credentials at all is
 * MISSING_AUTHENTICATION_TOKEN (this API's 404), credentials that are not
 * allowed are ACCESS_DENIED (403). No secret configured: nobody is allowed,
 * as in AWS with no `introspectionPrincipals`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayResponseType } from '../lambdas/contract/gateway-responses';

const BASIC = /^Basic +([A-Za-z0-9+/=]+) *$/i;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `undefined` when the caller may pass, else the gateway response to answer with. */
export function checkIamStandIn(
  authorization: string | undefined,
  secret: string | undefined,
): GatewayResponseType | undefined {
  if (!authorization?.trim()) return 'MISSING_AUTHENTICATION_TOKEN';
  const encoded = BASIC.exec(authorization)?.[1];
  if (!encoded || !secret) return 'ACCESS_DENIED';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'ACCESS_DENIED';
  const given = formDecode(decoded.slice(colon + 1));
  // Digests first: equal lengths for timingSafeEqual, and no length leak.
  return given !== undefined && timingSafeEqual(digest(given), digest(secret))
    ? undefined
    : 'ACCESS_DENIED';
}

/** RFC 6749 §2.3.1 form-encodes the secret before Basic; a malformed escape is no secret. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
