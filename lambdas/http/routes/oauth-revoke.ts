/**
 * POST /oauth/revoke (RFC 7009; public: the token is the proof): the handler over an injected
 * runtime; its Lambda entry is `lambdas/handlers/oauth-revoke.ts`.
 */
import { revokeByToken } from '../../auth/revoke-token';
import { SECURITY_HEADERS } from '../../contract/headers';
import { revokeForm } from '../../contract/requests';
import { formHandler } from '../handler';
import { clientInfo } from '../request';
import { parseInput } from '../validation';
import { type LogoutRuntime, logoutDeps } from './logout';

export function createOauthRevokeHandler(runtime: LogoutRuntime) {
  return formHandler(runtime.config, async (event) => {
    const form = parseInput(revokeForm, event.formBody);
    await revokeByToken(logoutDeps(runtime), form.token, form.token_type_hint, clientInfo(event));
    // RFC 7009 §2.2: 200 whatever the token was; the body is ignored by clients, so none.
    return { statusCode: 200, headers: { ...SECURITY_HEADERS }, body: '' };
  });
}
