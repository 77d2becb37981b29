/** Lambda entry: GET /auth/me. */
import { createMeHandler } from '../http/routes/me';
import { createRuntime } from '../runtime';

export const handler = createMeHandler(createRuntime());
