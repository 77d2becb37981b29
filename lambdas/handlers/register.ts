/** Lambda entry: POST /auth/register. */
import { register } from '../auth/register';
import { systemClock } from '../clock';
import { NotFoundError } from '../errors';
import { httpHandler, jsonHandler } from '../http/handler';
import { json } from '../http/responses';
import { credentialsBody } from '../http/schemas';
import { parseInput } from '../http/validation';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = runtime.config.signupOpen
  ? jsonHandler(async (event) => {
      const deps = { users: runtime.users(), passwords: runtime.passwords(), clock: systemClock };
      const user = await register(deps, parseInput(credentialsBody, event.jsonBody));
      return json(201, { user_id: user.userId, username: user.username });
    })
  : // SIGNUP_OPEN=false: the stack omits the route; wherever it is still served, it does not exist.
    httpHandler(async () => {
      throw new NotFoundError('No such route.');
    });
