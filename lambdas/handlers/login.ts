/** Lambda entry: POST /auth/login. */
import { login } from '../auth/login';
import { systemClock } from '../clock';
import { jsonHandler } from '../http/handler';
import { clientInfo } from '../http/request';
import { tokenResponse } from '../http/responses';
import { credentialsBody } from '../http/schemas';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = jsonHandler(async (event) => {
  const deps = {
    users: runtime.users(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    maxSessionsPerUser: runtime.config.maxSessionsPerUser,
    passwords: runtime.passwords(),
    issuer: runtime.issuer(),
    clock: systemClock,
  };
  const pair = await login(deps, parseInput(credentialsBody, event.jsonBody), clientInfo(event));
  return tokenResponse(pair);
});
