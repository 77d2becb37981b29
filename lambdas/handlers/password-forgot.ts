/** Lambda entry: POST /auth/password/forgot. */
import { createEmailRuntime } from '../email-runtime';
import { createPasswordForgotHandler } from '../http/routes/password-forgot';

export const handler = createPasswordForgotHandler(createEmailRuntime());
