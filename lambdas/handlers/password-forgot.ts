/** Lambda entry: POST /auth/password/forgot. */
import { wireEmail } from '../email-runtime';
import { createPasswordForgotHandler } from '../http/routes/password-forgot';
import { users } from '../runtime';

export const handler = createPasswordForgotHandler(wireEmail({ users }));
