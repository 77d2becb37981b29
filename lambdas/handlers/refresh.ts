/** Lambda entry: POST /auth/refresh. */
import { refresh } from '../auth/refresh';
import { systemClock } from '../clock';
import { refreshBody } from '../contract/requests';
import { jsonHandler } from '../http/handler';
import { clientInfo } from '../http/request';
import { tokenResponse } from '../http/responses';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = jsonHandler(runtime.config, async (event) => {
  const deps = {
    verifier: runtime.verifier(),
    issuer: runtime.issuer(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: systemClock,
    refreshGraceSeconds: runtime.config.refreshGraceSeconds,
  };
  const { refresh_token: refreshToken } = parseInput(refreshBody, event.jsonBody);
  return tokenResponse(await refresh(deps, refreshToken, clientInfo(event)));
});
