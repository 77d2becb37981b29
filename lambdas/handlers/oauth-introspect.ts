/** Lambda entry: POST /oauth/introspect (RFC 7662; IAM callers only, see routes.ts). */
import { createOauthIntrospectHandler } from '../http/routes/oauth-introspect';
import { createRuntime } from '../runtime';

export const handler = createOauthIntrospectHandler(createRuntime());
