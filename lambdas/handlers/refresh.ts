/** Lambda entry: POST /auth/refresh. */
import { createRefreshHandler } from '../http/routes/refresh';
import { createRuntime } from '../runtime';

export const handler = createRefreshHandler(createRuntime());
