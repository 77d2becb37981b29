/**
 * POST /auth/logout (not behind the authorizer): the handler over an injected runtime; its Lambda
 * entry is `lambdas/handlers/logout.ts`.
 */
import { type LogoutDeps, logout } from '../../auth/logout';
import { logoutBody } from '../../contract/requests';
import type { Runtime } from '../../runtime';
import { jsonHandler } from '../handler';
import { clientInfo, optionalBearer } from '../request';
import { noContent } from '../responses';
import { parseInput } from '../validation';

/** What ending a session by one of its tokens needs: logout here, RFC 7009 revoke too. */
export function logoutDeps(runtime: Runtime): LogoutDeps {
  return {
    verifier: runtime.verifier(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: runtime.clock,
    refreshGraceSeconds: runtime.config.refreshGraceSeconds,
  };
}

export function createLogoutHandler(runtime: Runtime) {
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(logoutBody, event.jsonBody);
    await logout(
      logoutDeps(runtime),
      { accessToken: optionalBearer(event), refreshToken: body?.refresh_token },
      clientInfo(event),
    );
    return noContent();
  });
}
