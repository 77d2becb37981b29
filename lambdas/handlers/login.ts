/** Lambda entry: POST /auth/login. */
import { createLoginHandler } from '../http/routes/login';
import { createRuntime } from '../runtime';

export const handler = createLoginHandler(createRuntime());
