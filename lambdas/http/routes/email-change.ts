/**
 * POST /auth/email: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/email-change.ts`. 202: the address is stored and its
 * link sent; it is verified once the link comes back.
 */
import { changeEmail } from '../../auth/email';
import type { EmailStateBody } from '../../contract/bodies';
import { emailChangeBody } from '../../contract/requests';
import type { EmailRuntimeOf } from '../../email-runtime';
import { jsonHandler } from '../handler';
import { authorizedCaller, clientInfo } from '../request';
import { json } from '../responses';
import { parseInput } from '../validation';
import { emailDeps, emailOn, noEmailRoute } from './email-deps';

/** The runtime parts this route uses (its entry wires just these). */
export type EmailChangeRuntime = EmailRuntimeOf<'users' | 'passwords' | 'loginAttempts'>;

export function createEmailChangeHandler(runtime: EmailChangeRuntime) {
  if (!emailOn(runtime)) return noEmailRoute(runtime);
  return jsonHandler(runtime.config, async (event) => {
    const deps = {
      ...emailDeps(runtime),
      passwords: runtime.passwords(),
      loginAttempts: runtime.loginAttempts(),
      lockout: runtime.config.lockout,
    };
    const body = parseInput(emailChangeBody, event.jsonBody);
    const state = await changeEmail(
      deps,
      authorizedCaller(event),
      { email: body.email, currentPassword: body.current_password },
      clientInfo(event),
    );
    return json(202, {
      email: state.email,
      email_verified: state.verified,
    } satisfies EmailStateBody);
  });
}
