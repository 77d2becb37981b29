/** Lambda entry: POST /oauth/introspect (RFC 7662; IAM callers only, see routes.ts). */
import { createOauthIntrospectHandler } from '../http/routes/oauth-introspect';
import { revokedTokens, verifier, wire } from '../runtime';

export const handler = createOauthIntrospectHandler(wire({ revokedTokens, verifier }));
