/**
 * POST /auth/refresh: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/refresh.ts`.
 */
import { refresh } from '../../auth/refresh';
import { refreshBody } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { tokenResponse } from '../responses';
import { parseInput } from '../validation';

/** The runtime parts this route uses (its entry wires just these). */
export type RefreshRuntime = RuntimeOf<
  'issuer' | 'revokedTokens' | 'sessions' | 'users' | 'verifier'
>;

export function createRefreshHandler(runtime: RefreshRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const deps = {
      verifier: runtime.verifier(),
      issuer: runtime.issuer(),
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      users: runtime.users(),
      roleScopes: runtime.config.roles.scopes,
      clock: runtime.clock,
      refreshGraceSeconds: runtime.config.refreshGraceSeconds,
    };
    const { refresh_token: refreshToken } = parseInput(refreshBody, event.jsonBody);
    return tokenResponse(await refresh(deps, refreshToken, clientInfo(event)));
  });
}
