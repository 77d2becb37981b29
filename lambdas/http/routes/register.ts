/**
 * POST /auth/register: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/register.ts`. With an `email`, the address goes on the
 * new account unverified and its verification link is sent
 * (`auth/email.ts`); where e-mail is off, an address is refused.
 */
import { offerAddress } from '../../auth/email';
import { assertNewEmail } from '../../auth/email-address';
import { register } from '../../auth/register';
import type { RegisteredBody } from '../../contract/bodies';
import { ERROR_MESSAGES } from '../../contract/errors';
import { registrationBody } from '../../contract/requests';
import type { EmailRuntimeOf } from '../../email-runtime';
import { InvalidRequestError, NotFoundError } from '../../errors';
import { httpHandler, jsonHandler } from '../handler';
import { json } from '../responses';
import { parseInput } from '../validation';
import { emailDeps } from './email-deps';

/** The runtime parts this route uses (its entry wires just these). */
export type RegisterRuntime = EmailRuntimeOf<'users' | 'passwords'>;

export function createRegisterHandler(runtime: RegisterRuntime) {
  return runtime.config.signupOpen
    ? jsonHandler(runtime.config, async (event) => {
        const deps = {
          users: runtime.users(),
          passwords: runtime.passwords(),
          clock: runtime.clock,
          defaultRoles: runtime.config.roles.defaultRoles,
        };
        const body = parseInput(registrationBody, event.jsonBody);
        if (body.email !== undefined && !runtime.email.delivery) {
          throw new InvalidRequestError('Invalid field "email": e-mail is not enabled here');
        }
        // Checked before the account exists: a bad address creates nothing.
        const email = body.email === undefined ? undefined : assertNewEmail(body.email);
        const user = await register(deps, body);
        if (email !== undefined) await offerAddress(emailDeps(runtime), user, email);
        return json(201, {
          user_id: user.userId,
          username: user.username,
        } satisfies RegisteredBody);
      })
    : // SIGNUP_OPEN=false: the stack omits the route; wherever it is still served, it does not exist.
      httpHandler(runtime.config, async () => {
        throw new NotFoundError(ERROR_MESSAGES.noSuchRoute);
      });
}
