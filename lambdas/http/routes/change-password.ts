/**
 * POST /auth/password: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/change-password.ts`.
 */
import { changePassword } from '../../auth/change-password';
import { changePasswordBody } from '../../contract/requests';
import type { RuntimeOf } from '../../runtime';
import { jsonHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { noContent } from '../responses';
import { parseInput } from '../validation';

/** The runtime parts this route uses (its entry wires just these). */
export type ChangePasswordRuntime = RuntimeOf<
  'loginAttempts' | 'passwords' | 'revokedTokens' | 'sessions' | 'users'
>;

export function createChangePasswordHandler(runtime: ChangePasswordRuntime) {
  return jsonHandler(runtime.config, async (event) => {
    const deps = {
      users: runtime.users(),
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      passwords: runtime.passwords(),
      loginAttempts: runtime.loginAttempts(),
      lockout: runtime.config.lockout,
      clock: runtime.clock,
    };
    const body = parseInput(changePasswordBody, event.jsonBody);
    await changePassword(
      deps,
      authorizedCaller(event),
      { currentPassword: body.current_password, newPassword: body.new_password },
      clientInfo(event),
    );
    return noContent();
  });
}
