/**
 * POST /auth/mfa/step-up: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/mfa-step-up.ts`.
 */
import { stepUp } from '../../auth/mfa/step-up';
import { stepUpBody } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { jsonHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { tokenResponse } from '../responses';
import { parseInput } from '../validation';

/** The runtime parts this route uses (its entry wires just these). */
export type MfaStepUpRuntime = RuntimeOf<
  'issuer' | 'loginAttempts' | 'mfa' | 'revokedTokens' | 'sessions' | 'totpCipher' | 'users'
>;

export function createMfaStepUpHandler(runtime: MfaStepUpRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(stepUpBody, event.jsonBody);
    const deps = {
      users: runtime.users(),
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      loginAttempts: runtime.loginAttempts(),
      lockout: runtime.config.lockout,
      mfa: runtime.mfa(),
      totpCipher: runtime.totpCipher(),
      issuer: runtime.issuer(),
      clock: runtime.clock,
      roleScopes: runtime.config.roles.scopes,
    };
    const pair = await stepUp(deps, authorizedCaller(event), body.code, clientInfo(event));
    return tokenResponse(pair);
  });
}
