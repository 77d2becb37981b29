/**
 * POST /auth/login: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/login.ts`.
 */
import { withLegacyUsername } from '../../auth/credentials-rules';
import { login } from '../../auth/login';
import { loginBody } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { tokenResponse } from '../responses';
import { parseInput } from '../validation';

/** The runtime parts this route uses (its entry wires just these). */
export type LoginRuntime = RuntimeOf<
  'issuer' | 'loginAttempts' | 'passwords' | 'revokedTokens' | 'sessions' | 'users'
>;

export function createLoginHandler(runtime: LoginRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const { username, password } = parseInput(loginBody, event.jsonBody);
    const deps = {
      // An account stored under the first normalisation of its name still logs in.
      users: withLegacyUsername(runtime.users(), username.legacyUsername),
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      maxSessionsPerUser: runtime.config.maxSessionsPerUser,
      passwords: runtime.passwords(),
      loginAttempts: runtime.loginAttempts(),
      lockout: runtime.config.lockout,
      issuer: runtime.issuer(),
      clock: runtime.clock,
      roleScopes: runtime.config.roles.scopes,
    };
    const pair = await login(deps, { username: username.username, password }, clientInfo(event));
    return tokenResponse(pair);
  });
}
