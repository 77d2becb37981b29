/** Lambda entry: GET /auth/sessions. */
import { createListSessionsHandler } from '../http/routes/list-sessions';
import { createRuntime } from '../runtime';

export const handler = createListSessionsHandler(createRuntime());
