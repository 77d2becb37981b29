/** Lambda entry: POST /auth/logout-all (behind the authorizer). */
import { createLogoutAllHandler } from '../http/routes/logout-all';
import { createRuntime } from '../runtime';

export const handler = createLogoutAllHandler(createRuntime());
