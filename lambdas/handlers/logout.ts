/** Lambda entry: POST /auth/logout (not behind the authorizer). */
import { logout } from '../auth/logout';
import { systemClock } from '../clock';
import { logoutBody } from '../contract/requests';
import { jsonHandler } from '../http/handler';
import { clientInfo, optionalBearer } from '../http/request';
import { noContent } from '../http/responses';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = jsonHandler(runtime.config, async (event) => {
  const deps = {
    verifier: runtime.verifier(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: systemClock,
  };
  const body = parseInput(logoutBody, event.jsonBody);
  await logout(
    deps,
    { accessToken: optionalBearer(event), refreshToken: body?.refresh_token },
    clientInfo(event),
  );
  return noContent();
});
