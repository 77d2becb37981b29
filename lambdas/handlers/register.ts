/** Lambda entry: POST /auth/register. */
import { createRegisterHandler } from '../http/routes/register';
import { createRuntime } from '../runtime';

export const handler = createRegisterHandler(createRuntime());
