/**
 * POST /auth/logout-all (behind the authorizer): the handler over an injected runtime; its Lambda
 * entry is `lambdas/handlers/logout-all.ts`.
 */
import { logoutAll } from '../../auth/logout-all';
import type { RuntimeOf } from '../../runtime';
import { httpHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { noContent } from '../responses';

/** The runtime parts this route uses (its entry wires just these). */
export type LogoutAllRuntime = RuntimeOf<'revokedTokens' | 'sessions' | 'users'>;

export function createLogoutAllHandler(runtime: LogoutAllRuntime) {
  return httpHandler(runtime.config, async (event) => {
    const deps = {
      users: runtime.users(),
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      clock: runtime.clock,
    };
    await logoutAll(deps, authorizedCaller(event), clientInfo(event));
    return noContent();
  });
}
