/** Lambda entry: POST /auth/login. */
import { withLegacyUsername } from '../auth/credentials-rules';
import { login } from '../auth/login';
import { systemClock } from '../clock';
import { loginBody } from '../contract/requests';
import { jsonHandler } from '../http/handler';
import { clientInfo } from '../http/request';
import { tokenResponse } from '../http/responses';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = jsonHandler(runtime.config, async (event) => {
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
    clock: systemClock,
  };
  const pair = await login(deps, { username: username.username, password }, clientInfo(event));
  return tokenResponse(pair);
});
