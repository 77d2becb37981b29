/** Lambda entry: GET /auth/me. Answers from the authorizer's context alone, no I/O. */
import { createMeHandler } from '../http/routes/me';
import { createRuntime } from '../runtime';

export const handler = createMeHandler(createRuntime());
