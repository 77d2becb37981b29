/** Lambda entry: POST /auth/email. */
import { wireEmail } from '../email-runtime';
import { createEmailChangeHandler } from '../http/routes/email-change';
import { loginAttempts, passwords, users } from '../runtime';

export const handler = createEmailChangeHandler(wireEmail({ loginAttempts, passwords, users }));
