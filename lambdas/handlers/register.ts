/** Lambda entry: POST /auth/register. */
import { register } from '../auth/register';
import { systemClock } from '../clock';
import type { RegisteredBody } from '../contract/bodies';
import { ERROR_MESSAGES } from '../contract/errors';
import { registrationBody } from '../contract/requests';
import { NotFoundError } from '../errors';
import { httpHandler, jsonHandler } from '../http/handler';
import { json } from '../http/responses';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = runtime.config.signupOpen
  ? jsonHandler(runtime.config, async (event) => {
      const deps = { users: runtime.users(), passwords: runtime.passwords(), clock: systemClock };
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
