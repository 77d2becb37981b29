/** Lambda entry: POST /auth/password. */
import { createChangePasswordHandler } from '../http/routes/change-password';
import { createRuntime } from '../runtime';

export const handler = createChangePasswordHandler(createRuntime());
