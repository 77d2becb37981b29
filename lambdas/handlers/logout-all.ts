/** Lambda entry: POST /auth/logout-all (behind the authorizer). */
import { logoutAll } from '../auth/logout-all';
import { systemClock } from '../clock';
import { httpHandler } from '../http/handler';
import { authorizedCaller, clientInfo } from '../http/request';
import { noContent } from '../http/responses';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = httpHandler(runtime.config, async (event) => {
  const deps = {
    users: runtime.users(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: systemClock,
  };
  await logoutAll(deps, authorizedCaller(event), clientInfo(event));
  return noContent();
});
