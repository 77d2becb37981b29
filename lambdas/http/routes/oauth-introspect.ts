/**
 * POST /oauth/introspect (RFC 7662; IAM callers only, see routes.ts): the handler over an injected
 * runtime; its Lambda entry is `lambdas/handlers/oauth-introspect.ts`.
 */
import { introspectToken } from '../../auth/introspect';
import type { IntrospectionBody } from '../../contract/bodies';
import { introspectForm } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { formHandler } from '../handler';
import { json } from '../responses';
import { parseInput } from '../validation';

/** The runtime parts this route uses (its entry wires just these). */
export type OauthIntrospectRuntime = RuntimeOf<'revokedTokens' | 'verifier'>;

export function createOauthIntrospectHandler(runtime: OauthIntrospectRuntime) {
  return formHandler(runtime.config, async (event) => {
    const form = parseInput(introspectForm, event.formBody);
    const deps = { verifier: runtime.verifier(), revokedTokens: runtime.revokedTokens() };
    return json(200, (await introspectToken(deps, form.token)) satisfies IntrospectionBody);
  });
}
