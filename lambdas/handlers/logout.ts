/** Lambda entry: POST /auth/logout (not behind the authorizer). */
import { createLogoutHandler } from '../http/routes/logout';
import { createRuntime } from '../runtime';

export const handler = createLogoutHandler(createRuntime());
