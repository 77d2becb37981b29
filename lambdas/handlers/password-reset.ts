/** Lambda entry: POST /auth/password/reset. */
import { createEmailRuntime } from '../email-runtime';
import { createPasswordResetHandler } from '../http/routes/password-reset';

export const handler = createPasswordResetHandler(createEmailRuntime());
