/**
 * POST /auth/password/reset: the handler over an injected runtime; its
 * Lambda entry is `lambdas/handlers/password-reset.ts`. No bearer token: the
 * link's token is the proof. 204, or 400 `invalid_grant`
 * (`auth/password-reset.ts`).
 */
import { resetPassword } from '../../auth/password-reset';
import { passwordResetBody } from '../../contract/requests';
import type { EmailRuntimeOf } from '../../email-runtime';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { noContent } from '../responses';
import { parseInput } from '../validation';
import { emailOn, noEmailRoute } from './email-deps';

/** The runtime parts this route uses (its entry wires just these). */
export type PasswordResetRuntime = EmailRuntimeOf<
  'loginAttempts' | 'passwords' | 'revokedTokens' | 'sessions' | 'users'
>;

export function createPasswordResetHandler(runtime: PasswordResetRuntime) {
  if (!emailOn(runtime)) return noEmailRoute(runtime);
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(passwordResetBody, event.jsonBody);
    const deps = {
      users: runtime.users(),
      recovery: runtime.recovery(),
      sessions: runtime.sessions(),
      revokedTokens: runtime.revokedTokens(),
      loginAttempts: runtime.loginAttempts(),
      passwords: runtime.passwords(),
      mail: runtime.mail(),
      clock: runtime.clock,
    };
    await resetPassword(
      deps,
      { token: body.token, newPassword: body.new_password },
      clientInfo(event),
    );
    return noContent();
  });
}
