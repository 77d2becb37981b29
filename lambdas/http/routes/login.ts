/**
 * POST /auth/login: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/login.ts`.
 */
import { withLegacyUsername } from '../../auth/credentials-rules';
import { login } from '../../auth/login';
import { loginBody } from '../../contract/requests';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { tokenResponse } from '../responses';
import { parseInput } from '../validation';
import { type LoginRuntime, loginDeps } from './login-deps';

export function createLoginHandler(runtime: LoginRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const { username, password } = parseInput(loginBody, event.jsonBody);
    // An account stored under the first normalisation of its name still logs in.
    const deps = loginDeps(runtime, withLegacyUsername(runtime.users(), username.legacyUsername));
    const pair = await login(deps, { username: username.username, password }, clientInfo(event));
    return tokenResponse(pair);
  });
}
