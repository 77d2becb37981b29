/**
 * POST /auth/logout (not behind the authorizer): the handler over an injected runtime; its Lambda
 * entry is `lambdas/handlers/logout.ts`.
 */
import { type LogoutDeps, logout } from '../../auth/logout';
import { logoutBody } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { jsonHandler } from '../handler';
import { clientInfo, optionalBearer } from '../request';
import { noContent } from '../responses';
import { parseInput } from '../validation';

/** The runtime parts logout and RFC 7009 revocation use. */
export type LogoutRuntime = RuntimeOf<'verifier' | 'sessions' | 'revokedTokens'>;

export function logoutDeps(runtime: LogoutRuntime): LogoutDeps {
  return {
    verifier: runtime.verifier(),
    sessions: runtime.sessions(),
    revokedTokens: runtime.revokedTokens(),
    clock: runtime.clock,
    refreshGraceSeconds: runtime.config.refreshGraceSeconds,
  };
}

export function createLogoutHandler(runtime: LogoutRuntime) {
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
