/**
 * POST /auth/password/forgot: the handler over an injected runtime; its
 * Lambda entry is `lambdas/handlers/password-forgot.ts`. No bearer token.
 * 202 with one fixed body, never sooner than the floor, whatever the account
 * (`auth/password-reset.ts`).
 */
import { withLegacyUsername } from '../../auth/credentials-rules';
import { forgotPassword } from '../../auth/password-reset';
import { FORGOT_ACCEPTED_MESSAGE } from '../../contract/answers';
import type { ForgotAcceptedBody } from '../../contract/bodies';
import { passwordForgotBody } from '../../contract/requests';
import type { EmailRuntimeOf } from '../../email-runtime';
import { jsonHandler } from '../handler';
import { clientInfo } from '../request';
import { json } from '../responses';
import { parseInput } from '../validation';
import { emailOn, noEmailRoute, recoveryLimitDeps, resetSettings } from './email-deps';

/** The runtime parts this route uses (its entry wires just these). */
export type PasswordForgotRuntime = EmailRuntimeOf<'users'>;

export function createPasswordForgotHandler(runtime: PasswordForgotRuntime) {
  if (!emailOn(runtime)) return noEmailRoute(runtime);
  return jsonHandler(runtime.config, async (event) => {
    const body = parseInput(passwordForgotBody, event.jsonBody);
    const deps = {
      // An account stored under the first normalisation of its name is found, as at login.
      users: withLegacyUsername(runtime.users(), body.username?.legacyUsername),
      recovery: runtime.recovery(),
      mail: runtime.mail(),
      sleep: runtime.sleep,
      reset: resetSettings(runtime),
      ...recoveryLimitDeps(runtime),
    };
    await forgotPassword(
      deps,
      body.username ? { username: body.username.username } : { email: body.email as string },
      clientInfo(event),
    );
    return json(202, { message: FORGOT_ACCEPTED_MESSAGE } satisfies ForgotAcceptedBody);
  });
}
