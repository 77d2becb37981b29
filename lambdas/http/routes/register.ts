/**
 * POST /auth/register: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/register.ts`.
 */
import { register } from '../../auth/register';
import type { RegisteredBody } from '../../contract/bodies';
import { ERROR_MESSAGES } from '../../contract/errors';
import { registrationBody } from '../../contract/requests';
import { NotFoundError } from '../../errors';
import type { Runtime } from '../../runtime';
import { httpHandler, jsonHandler } from '../handler';
import { json } from '../responses';
import { parseInput } from '../validation';

export function createRegisterHandler(runtime: Runtime) {
  return runtime.config.signupOpen
    ? jsonHandler(runtime.config, async (event) => {
        const deps = {
          users: runtime.users(),
          passwords: runtime.passwords(),
          clock: runtime.clock,
          defaultRoles: runtime.config.roles.defaultRoles,
        };
        const user = await register(deps, parseInput(registrationBody, event.jsonBody));
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
