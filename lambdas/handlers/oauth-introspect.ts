/** Lambda entry: POST /oauth/introspect (RFC 7662; IAM callers only, see routes.ts). */
import { introspectToken } from '../auth/introspect';
import type { IntrospectionBody } from '../contract/bodies';
import { introspectForm } from '../contract/requests';
import { formHandler } from '../http/handler';
import { json } from '../http/responses';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = formHandler(runtime.config, async (event) => {
  const form = parseInput(introspectForm, event.formBody);
  const deps = { verifier: runtime.verifier(), revokedTokens: runtime.revokedTokens() };
  return json(200, (await introspectToken(deps, form.token)) satisfies IntrospectionBody);
});
