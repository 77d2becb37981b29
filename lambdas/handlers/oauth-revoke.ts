/** Lambda entry: POST /oauth/revoke (RFC 7009; public: the token is the proof). */
import { revokeByToken } from '../auth/revoke-token';
import { systemClock } from '../clock';
import { SECURITY_HEADERS } from '../contract/headers';
import { revokeForm } from '../contract/requests';
import { formHandler } from '../http/handler';
import { clientInfo } from '../http/request';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = formHandler(runtime.config, async (event) => {
  const deps = {
    verifier: runtime.verifier(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: systemClock,
  };
  const form = parseInput(revokeForm, event.formBody);
  await revokeByToken(deps, form.token, form.token_type_hint, clientInfo(event));
  // RFC 7009 §2.2: 200 whatever the token was; the body is ignored by clients, so none.
  return { statusCode: 200, headers: { ...SECURITY_HEADERS }, body: '' };
});
